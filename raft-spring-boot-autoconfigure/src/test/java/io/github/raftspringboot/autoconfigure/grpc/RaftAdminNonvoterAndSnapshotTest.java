package io.github.raftspringboot.autoconfigure.grpc;

import java.nio.file.Path;
import java.time.Duration;
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

import io.github.raftspringboot.admin.proto.AddNonvoterRequest;
import io.github.raftspringboot.admin.proto.AddVoterRequest;
import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.admin.proto.DemoteVoterRequest;
import io.github.raftspringboot.admin.proto.GetConfigurationRequest;
import io.github.raftspringboot.admin.proto.GetConfigurationResponse;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.RemoveServerRequest;
import io.github.raftspringboot.admin.proto.SnapshotRequest;
import io.github.raftspringboot.admin.proto.StatsRequest;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What RaftAdminGrpcIntegrationTest leaves out, on a real 3-node cluster: a fourth node added as a non-voter (it gets
 * the log), promoted under the previous_index guard, demoted and removed; and a snapshot that compacts the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaftAdminNonvoterAndSnapshotTest {

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
    @Order(6)
    void growsDemotesAndShrinksTheClusterWithAFourthNode() {
        String leader = cluster.awaitLeader();
        RaftAdminGrpc.RaftAdminBlockingStub admin = clients.admin(leader);
        cluster.store(leader).put("seed", 1);
        String address = cluster.reserve("node4");
        cluster.startNode("node4", Map.of("raft.bootstrap", "false"));
        assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.INACTIVE);

        // A non-voter receives the log but does not vote.
        AwaitResponse added = clients.await(leader, admin.addNonvoter(
                AddNonvoterRequest.newBuilder().setId("node4").setAddress(address).build()));
        assertThat(added.getError()).isEmpty();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.NON_VOTER);
            assertThat(cluster.store("node4").get("seed", ReadConsistency.LOCAL)).isPresent();
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

    private Optional<GetConfigurationResponse.Server.Suffrage> suffrageOf(String askedNode, String id) {
        return clients.admin(askedNode)
            .getConfiguration(GetConfigurationRequest.getDefaultInstance())
            .getServersList()
            .stream()
            .filter(server -> server.getId().equals(id))
            .map(GetConfigurationResponse.Server::getSuffrage)
            .findFirst();
    }
}
