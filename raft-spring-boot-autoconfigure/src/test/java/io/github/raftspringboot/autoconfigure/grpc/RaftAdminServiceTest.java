package io.github.raftspringboot.autoconfigure.grpc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.ByteString;

import io.github.raftspringboot.admin.grpc.AddNonvoterRequest;
import io.github.raftspringboot.admin.grpc.AddVoterRequest;
import io.github.raftspringboot.admin.grpc.AppliedIndexRequest;
import io.github.raftspringboot.admin.grpc.ApplyLogRequest;
import io.github.raftspringboot.admin.grpc.AwaitResponse;
import io.github.raftspringboot.admin.grpc.BarrierRequest;
import io.github.raftspringboot.admin.grpc.DemoteVoterRequest;
import io.github.raftspringboot.admin.grpc.Future;
import io.github.raftspringboot.admin.grpc.GetConfigurationRequest;
import io.github.raftspringboot.admin.grpc.GetConfigurationResponse;
import io.github.raftspringboot.admin.grpc.LastContactRequest;
import io.github.raftspringboot.admin.grpc.LastIndexRequest;
import io.github.raftspringboot.admin.grpc.LeaderRequest;
import io.github.raftspringboot.admin.grpc.LeadershipTransferRequest;
import io.github.raftspringboot.admin.grpc.LeadershipTransferToServerRequest;
import io.github.raftspringboot.admin.grpc.RaftAdminGrpc;
import io.github.raftspringboot.admin.grpc.RemoveServerRequest;
import io.github.raftspringboot.admin.grpc.ShutdownRequest;
import io.github.raftspringboot.admin.grpc.SnapshotRequest;
import io.github.raftspringboot.admin.grpc.StateRequest;
import io.github.raftspringboot.admin.grpc.StateResponse;
import io.github.raftspringboot.admin.grpc.StatsRequest;
import io.github.raftspringboot.admin.grpc.VerifyLeaderRequest;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.autoconfigure.TestCluster;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every RaftAdmin method through the generated client against a real 3-node cluster, checking that the cluster
 * really changed. One cluster for the class; the tests run in order because they change it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaftAdminServiceTest {

    TestCluster cluster;

    AdminClients clients;

    @BeforeAll
    void startCluster(@TempDir Path dir) {
        cluster = TestCluster.start(3, dir,
                Map.of("raft.snapshot.segment-size", "64KB", "raft.limits.max-entry-size", "16KB"));
        clients = new AdminClients(cluster);
        cluster.awaitLeader();
    }

    @AfterAll
    void stopCluster() {
        clients.close();
        cluster.close();
    }

    @Test
    @Order(1)
    void queriesDescribeEachNode() {
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        String leaderRaftAddress = cluster.node(leader).status().address();

        assertThat(clients.admin(leader).state(StateRequest.getDefaultInstance()).getState())
            .isEqualTo(StateResponse.State.LEADER);
        assertThat(clients.admin(follower).state(StateRequest.getDefaultInstance()).getState())
            .isEqualTo(StateResponse.State.FOLLOWER);
        for (String id : cluster.ids()) {
            assertThat(clients.admin(id).leader(LeaderRequest.getDefaultInstance()).getAddress())
                .isEqualTo(leaderRaftAddress);
        }
        assertThat(clients.admin(leader).appliedIndex(AppliedIndexRequest.getDefaultInstance()).getIndex())
            .isEqualTo(cluster.node(leader).status().appliedIndex())
            .isPositive();
        assertThat(clients.admin(follower).lastIndex(LastIndexRequest.getDefaultInstance()).getIndex())
            .isPositive();
        assertThat(clients.admin(leader).lastContact(LastContactRequest.getDefaultInstance()).getUnixNano())
            .isZero();
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        assertThat(clients.admin(follower).lastContact(LastContactRequest.getDefaultInstance()).getUnixNano())
            .isBetween(nowNanos - Duration.ofSeconds(10).toNanos(), nowNanos + Duration.ofSeconds(1).toNanos());

        Map<String, String> stats = clients.admin(follower).stats(StatsRequest.getDefaultInstance()).getStatsMap();
        assertThat(stats).containsEntry("state", "Follower")
            .containsEntry("num_peers", "2")
            .containsKeys("term", "last_log_index", "last_log_term", "commit_index", "applied_index",
                    "last_snapshot_index", "last_snapshot_term", "last_contact", "latest_configuration");
        assertThat(stats.get("latest_configuration")).contains("ID:" + leader + " Address:" + leaderRaftAddress);

        GetConfigurationResponse configuration = clients.admin(follower)
            .getConfiguration(GetConfigurationRequest.getDefaultInstance());
        assertThat(configuration.getServersList()).hasSize(3)
            .allSatisfy(server -> assertThat(server.getSuffrage()).isEqualTo(GetConfigurationResponse.Server.Suffrage.VOTER))
            .anySatisfy(server -> {
                assertThat(server.getId()).isEqualTo(leader);
                assertThat(server.getAddress()).isEqualTo(leaderRaftAddress);
            });
    }

    @Test
    @Order(2)
    void applyLogWritesTheStoreAndRefusesBadDataInBand() {
        String leader = cluster.awaitLeader();
        Future future = clients.admin(leader).applyLog(ApplyLogRequest.newBuilder()
            .setData(utf8("{\"op\":\"put\",\"key\":\"admin-key\",\"value\":42}"))
            .build());
        AwaitResponse applied = clients.await(leader, future);
        assertThat(applied.getError()).isEmpty();
        assertThat(applied.getIndex()).isPositive();
        assertThat(cluster.store(leader).get("admin-key", Integer.class)).contains(42);
        long appliedBefore = cluster.node(leader).status().appliedIndex();

        for (String bad : List.of("not json", "{\"op\":\"explode\"}", "{\"op\":\"put\"}", "")) {
            AwaitResponse refused = clients.await(leader,
                    clients.admin(leader).applyLog(ApplyLogRequest.newBuilder().setData(utf8(bad)).build()));
            assertThat(refused.getError()).as("data %s", bad).isNotEmpty();
            assertThat(refused.getIndex()).isZero();
        }
        assertThat(cluster.node(leader).status().appliedIndex()).isEqualTo(appliedBefore);
        assertThat(cluster.store(leader).get("admin-key", Integer.class)).contains(42);

        assertThatThrownBy(() -> clients.admin(leader).applyLog(ApplyLogRequest.newBuilder()
            .setData(utf8("{\"op\":\"put\",\"key\":\"a\",\"value\":1}"))
            .setExtensions(utf8("x"))
            .build())).satisfies(error -> assertStatus(error, Status.Code.INVALID_ARGUMENT, "extensions"));
    }

    @Test
    @Order(3)
    void leaderOnlyOperationsOnAFollowerFailInBandNamingTheLeader() {
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        RaftAdminGrpc.RaftAdminBlockingStub admin = clients.admin(follower);
        Map<String, Future> futures = Map.of("Barrier", admin.barrier(BarrierRequest.getDefaultInstance()),
                "VerifyLeader", admin.verifyLeader(VerifyLeaderRequest.getDefaultInstance()),
                "ApplyLog", admin.applyLog(ApplyLogRequest.newBuilder().setData(utf8("{\"op\":\"delete\",\"key\":\"a\"}")).build()),
                "AddVoter", admin.addVoter(AddVoterRequest.newBuilder().setId("x").setAddress("127.0.0.1:1").build()),
                "RemoveServer", admin.removeServer(RemoveServerRequest.newBuilder().setId(leader).build()),
                "LeadershipTransfer", admin.leadershipTransfer(LeadershipTransferRequest.getDefaultInstance()));
        for (Map.Entry<String, Future> future : futures.entrySet()) {
            AwaitResponse response = clients.await(follower, future.getValue());
            assertThat(response.getError()).as(future.getKey()).contains("not the leader").contains("'" + leader + "'");
        }
        assertThat(cluster.awaitLeader()).isEqualTo(leader);
        assertThat(clients.await(leader, clients.admin(leader).barrier(BarrierRequest.getDefaultInstance())).getIndex())
            .isPositive();
        AwaitResponse verified = clients.await(leader,
                clients.admin(leader).verifyLeader(VerifyLeaderRequest.getDefaultInstance()));
        assertThat(verified.getError()).isEmpty();
    }

    @Test
    @Order(4)
    void badInputIsRefusedWithTheRightStatus() {
        String leader = cluster.awaitLeader();
        RaftAdminGrpc.RaftAdminBlockingStub admin = clients.admin(leader);
        assertThatThrownBy(() -> admin.addVoter(AddVoterRequest.newBuilder().setAddress("127.0.0.1:1").build()))
            .satisfies(error -> assertStatus(error, Status.Code.INVALID_ARGUMENT, "id is empty"));
        assertThatThrownBy(() -> admin.addNonvoter(AddNonvoterRequest.newBuilder().setId("n").setAddress("nowhere").build()))
            .satisfies(error -> assertStatus(error, Status.Code.INVALID_ARGUMENT, "host:port"));
        assertThatThrownBy(() -> admin.addVoter(AddVoterRequest.newBuilder().setId("n").setAddress("h:99999").build()))
            .satisfies(error -> assertStatus(error, Status.Code.INVALID_ARGUMENT, "port"));
        assertThatThrownBy(() -> admin.demoteVoter(DemoteVoterRequest.newBuilder().setId("n").setPreviousIndex(-1).build()))
            .satisfies(error -> assertStatus(error, Status.Code.INVALID_ARGUMENT, "18446744073709551615"));
        assertThatThrownBy(() -> admin.leadershipTransferToServer(LeadershipTransferToServerRequest.getDefaultInstance()))
            .satisfies(error -> assertStatus(error, Status.Code.INVALID_ARGUMENT, "id is empty"));

        AwaitResponse unknown = clients.await(leader,
                admin.removeServer(RemoveServerRequest.newBuilder().setId("nobody").build()));
        assertThat(unknown.getError()).contains("'nobody' is not a member");
        assertThat(cluster.node(leader).status().servers()).hasSize(3);
    }

    @Test
    @Order(5)
    void tokensAreFortyHexCharactersAndUnknownOrForgottenTokensAreErrors() {
        String leader = cluster.awaitLeader();
        RaftAdminGrpc.RaftAdminBlockingStub admin = clients.admin(leader);
        Future future = admin.barrier(BarrierRequest.getDefaultInstance());
        assertThat(future.getOperationToken()).matches("[0-9a-f]{40}");
        // Await can be repeated until the token is forgotten.
        assertThat(admin.await(future).getIndex()).isPositive();
        assertThat(admin.await(future).getIndex()).isPositive();
        admin.forget(future);
        assertThatThrownBy(() -> admin.await(future)).satisfies(error -> assertStatus(error, Status.Code.NOT_FOUND,
                "token \"" + future.getOperationToken() + "\" unknown"));
        assertThatThrownBy(() -> admin.forget(future))
            .satisfies(error -> assertStatus(error, Status.Code.NOT_FOUND, "unknown"));

        Future unknown = Future.newBuilder().setOperationToken("0123456789abcdef0123456789abcdef01234567").build();
        assertThatThrownBy(() -> admin.await(unknown)).satisfies(error -> assertStatus(error, Status.Code.NOT_FOUND,
                "token \"0123456789abcdef0123456789abcdef01234567\" unknown"));
        // A token from another node is unknown here: tokens are per node, like raftadmin's.
        assertThatThrownBy(() -> clients.admin(cluster.anyFollower()).await(future))
            .satisfies(error -> assertStatus(error, Status.Code.NOT_FOUND, "unknown"));
        assertThatThrownBy(() -> admin.await(Future.newBuilder().setOperationToken("abc").build()))
            .satisfies(error -> assertStatus(error, Status.Code.INVALID_ARGUMENT, "40 hex characters"));
    }

    @Test
    @Order(6)
    void growsDemotesAndShrinksTheClusterWithAFourthNode() {
        String leader = cluster.awaitLeader();
        RaftAdminGrpc.RaftAdminBlockingStub admin = clients.admin(leader);
        String address = cluster.reserve("node4");
        cluster.startNode("node4", Map.of("raft.bootstrap", "false"));
        assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.INACTIVE);

        // A non-voter receives the log but does not vote.
        AwaitResponse added = clients.await(leader, admin.addNonvoter(
                AddNonvoterRequest.newBuilder().setId("node4").setAddress(address).build()));
        assertThat(added.getError()).isEmpty();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.NON_VOTER);
            assertThat(cluster.store("node4").get("admin-key", ReadConsistency.LOCAL)).isPresent();
        });
        assertThat(suffrageOf(leader, "node4")).contains(GetConfigurationResponse.Server.Suffrage.NONVOTER);

        // Promote it with the previous_index guard.
        long configurationIndex = cluster.node(leader).status().configurationIndex();
        AwaitResponse stale = clients.await(leader, admin.addVoter(AddVoterRequest.newBuilder()
            .setId("node4").setAddress(address).setPreviousIndex(configurationIndex - 1).build()));
        assertThat(stale.getError()).contains("configuration changed since " + (configurationIndex - 1));
        assertThat(suffrageOf(leader, "node4")).contains(GetConfigurationResponse.Server.Suffrage.NONVOTER);
        AwaitResponse promoted = clients.await(leader, admin.addVoter(AddVoterRequest.newBuilder()
            .setId("node4").setAddress(address).setPreviousIndex(configurationIndex).build()));
        assertThat(promoted.getError()).isEmpty();
        assertThat(promoted.getIndex()).isGreaterThan(configurationIndex);
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.FOLLOWER));
        assertThat(suffrageOf(leader, "node4")).contains(GetConfigurationResponse.Server.Suffrage.VOTER);
        assertThat(clients.admin(leader).stats(StatsRequest.getDefaultInstance()).getStatsMap())
            .containsEntry("num_peers", "3");

        AwaitResponse demoted = clients.await(leader,
                admin.demoteVoter(DemoteVoterRequest.newBuilder().setId("node4").build()));
        assertThat(demoted.getError()).isEmpty();
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.NON_VOTER));
        assertThat(suffrageOf(leader, "node4")).contains(GetConfigurationResponse.Server.Suffrage.NONVOTER);

        AwaitResponse removed = clients.await(leader,
                admin.removeServer(RemoveServerRequest.newBuilder().setId("node4").build()));
        assertThat(removed.getError()).isEmpty();
        assertThat(suffrageOf(leader, "node4")).isEmpty();
        cluster.stop("node4");
    }

    @Test
    @Order(7)
    void transfersLeadershipToANamedServerAndToTheMostUpToDate() {
        String leader = cluster.awaitLeader();
        String target = cluster.anyFollower();
        String targetAddress = cluster.node(target).status().address();
        AwaitResponse wrongAddress = clients.await(leader, clients.admin(leader).leadershipTransferToServer(
                LeadershipTransferToServerRequest.newBuilder().setId(target).setAddress("127.0.0.1:1").build()));
        assertThat(wrongAddress.getError()).contains("has address " + targetAddress);

        AwaitResponse moved = clients.await(leader, clients.admin(leader).leadershipTransferToServer(
                LeadershipTransferToServerRequest.newBuilder().setId(target).setAddress(targetAddress).build()));
        assertThat(moved.getError()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> target.equals(cluster.currentLeader().orElse(null)));
        assertThat(cluster.awaitLeader()).isEqualTo(target);

        AwaitResponse movedOn = clients.await(target,
                clients.admin(target).leadershipTransfer(LeadershipTransferRequest.getDefaultInstance()));
        assertThat(movedOn.getError()).isEmpty();
        assertThat(cluster.awaitLeader()).isNotEqualTo(target);
    }

    @Test
    @Order(8)
    void snapshotCompactsTheLog() {
        String leader = cluster.awaitLeader();
        for (int i = 0; i < 300; i++) {
            cluster.store(leader).async().put("bulk-" + i, "v".repeat(500));
        }
        cluster.store(leader).put("bulk-last", "done");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            AwaitResponse snapshot = clients.await(leader,
                    clients.admin(leader).snapshot(SnapshotRequest.getDefaultInstance()));
            assertThat(snapshot.getError()).isEmpty();
            assertThat(snapshot.getIndex()).isPositive();
        });
        assertThat(Long.parseLong(clients.admin(leader).stats(StatsRequest.getDefaultInstance())
            .getStatsMap()
            .get("last_snapshot_index"))).isPositive();
    }

    @Test
    @Order(9)
    void shutdownStopsRaftButNotTheApplication() {
        String follower = cluster.anyFollower();
        AwaitResponse stopped = clients.await(follower,
                clients.admin(follower).shutdown(ShutdownRequest.getDefaultInstance()));
        assertThat(stopped.getError()).isEmpty();
        assertThat(cluster.node(follower).status().role()).isEqualTo(RaftRole.SHUTDOWN);
        assertThat(cluster.context(follower).isActive()).isTrue();
        // The application and its gRPC server keep answering, and report the shutdown.
        assertThat(clients.admin(follower).state(StateRequest.getDefaultInstance()).getState())
            .isEqualTo(StateResponse.State.SHUTDOWN);
        assertThat(clients.admin(follower).stats(StatsRequest.getDefaultInstance()).getStatsMap())
            .containsEntry("state", "Shutdown");
        AwaitResponse afterwards = clients.await(follower,
                clients.admin(follower).barrier(BarrierRequest.getDefaultInstance()));
        assertThat(afterwards.getError()).contains("not running");
        // The other two still form a cluster.
        String leader = cluster.currentLeader().orElseGet(cluster::awaitLeader);
        assertThat(clients.await(leader, clients.admin(leader).barrier(BarrierRequest.getDefaultInstance())).getError())
            .isEmpty();
    }

    private Optional<GetConfigurationResponse.Server.Suffrage> suffrageOf(String askedNode, String id) {
        return clients.admin(askedNode)
            .getConfiguration(GetConfigurationRequest.getDefaultInstance())
            .getServersList()
            .stream()
            .filter(server -> server.getId().equals(id))
            .map(GetConfigurationResponse.Server::getSuffrage)
            .findFirst();
    }

    static void assertStatus(Throwable error, Status.Code code, String messagePart) {
        assertThat(error).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) error).getStatus();
        assertThat(status.getCode()).isEqualTo(code);
        assertThat(status.getDescription()).contains(messagePart);
    }

    static ByteString utf8(String text) {
        return ByteString.copyFrom(text, StandardCharsets.UTF_8);
    }
}
