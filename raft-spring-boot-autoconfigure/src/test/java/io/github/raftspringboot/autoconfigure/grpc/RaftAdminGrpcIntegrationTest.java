package io.github.raftspringboot.autoconfigure.grpc;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import com.google.protobuf.ByteString;

import io.github.raftspringboot.admin.proto.AddNonvoterRequest;
import io.github.raftspringboot.admin.proto.AddVoterRequest;
import io.github.raftspringboot.admin.proto.AppliedIndexRequest;
import io.github.raftspringboot.admin.proto.ApplyLogRequest;
import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.admin.proto.BarrierRequest;
import io.github.raftspringboot.admin.proto.DemoteVoterRequest;
import io.github.raftspringboot.admin.proto.Future;
import io.github.raftspringboot.admin.proto.GetConfigurationRequest;
import io.github.raftspringboot.admin.proto.GetConfigurationResponse;
import io.github.raftspringboot.admin.proto.LastContactRequest;
import io.github.raftspringboot.admin.proto.LastIndexRequest;
import io.github.raftspringboot.admin.proto.LeaderRequest;
import io.github.raftspringboot.admin.proto.LeadershipTransferRequest;
import io.github.raftspringboot.admin.proto.LeadershipTransferToServerRequest;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc.RaftAdminBlockingStub;
import io.github.raftspringboot.admin.proto.RemoveServerRequest;
import io.github.raftspringboot.admin.proto.ShutdownRequest;
import io.github.raftspringboot.admin.proto.SnapshotRequest;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.github.raftspringboot.admin.proto.StatsRequest;
import io.github.raftspringboot.admin.proto.VerifyLeaderRequest;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every RaftAdmin method against a real three-node cluster, each node a Spring Boot application with its own
 * gRPC server; checks that the cluster really changed.
 */
class RaftAdminGrpcIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path tempDir;

    private static TestCluster cluster;

    private static final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    @BeforeAll
    static void startCluster() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.grpc.server.address", "127.0.0.1");
        properties.put("spring.grpc.server.port", "0");
        properties.put("spring.grpc.server.shutdown.grace-period", "0s");
        properties.put("raft.grpc.health.services", "example.Orders");
        cluster = TestCluster.start(3, tempDir, properties);
        cluster.awaitLeader();
    }

    @AfterAll
    static void stopCluster() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void readsTheNodeState() {
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        long index = outcome(admin(leader).applyLog(ApplyLogRequest.newBuilder()
            .setData(json("{\"op\":\"put\",\"key\":\"read\",\"value\":1}"))
            .build())).getIndex();

        assertThat(admin(leader).state(StateRequest.getDefaultInstance()).getState())
            .isEqualTo(StateResponse.State.LEADER);
        assertThat(admin(follower).state(StateRequest.getDefaultInstance()).getState())
            .isEqualTo(StateResponse.State.FOLLOWER);
        assertThat(admin(follower).leader(LeaderRequest.getDefaultInstance()).getAddress())
            .isEqualTo(cluster.node(leader).status().address());
        assertThat(admin(leader).appliedIndex(AppliedIndexRequest.getDefaultInstance()).getIndex())
            .isGreaterThanOrEqualTo(index);
        assertThat(admin(leader).lastIndex(LastIndexRequest.getDefaultInstance()).getIndex())
            .isGreaterThanOrEqualTo(index);
        assertThat(admin(leader).stats(StatsRequest.getDefaultInstance()).getStatsMap())
            .containsEntry("state", "Leader")
            .containsKeys("term", "commit_index", "applied_index", "last_log_index", "latest_configuration");
        assertThat(admin(leader).lastContact(LastContactRequest.getDefaultInstance()).getUnixNano()).isZero();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            long unixNanos = admin(follower).lastContact(LastContactRequest.getDefaultInstance()).getUnixNano();
            Instant contact = Instant.ofEpochSecond(0, unixNanos);
            assertThat(contact).isBetween(Instant.now().minusSeconds(30), Instant.now().plusSeconds(1));
        });

        GetConfigurationResponse configuration = admin(follower)
            .getConfiguration(GetConfigurationRequest.getDefaultInstance());
        assertThat(configuration.getServersList())
            .extracting(GetConfigurationResponse.Server::getId, GetConfigurationResponse.Server::getAddress,
                    GetConfigurationResponse.Server::getSuffrage)
            .containsExactlyInAnyOrderElementsOf(cluster.node(leader).status().servers().stream()
                .map(server -> org.assertj.core.groups.Tuple.tuple(server.id(), server.address(),
                        GetConfigurationResponse.Server.Suffrage.VOTER))
                .toList());
    }

    @Test
    void appliesStoreCommandsAndReportsBadOnesInBand() {
        String leader = cluster.awaitLeader();

        AwaitResponse applied = outcome(admin(leader).applyLog(ApplyLogRequest.newBuilder()
            .setData(json("{\"op\":\"put\",\"key\":\"admin\",\"value\":42}"))
            .build()));
        AwaitResponse bad = outcome(admin(leader).applyLog(ApplyLogRequest.newBuilder()
            .setData(json("{\"op\":\"frobnicate\"}"))
            .build()));

        assertThat(applied.getError()).isEmpty();
        assertThat(applied.getIndex()).isPositive();
        cluster.running().forEach(id -> await().atMost(TIMEOUT)
            .untilAsserted(() -> assertThat(cluster.store(id).get("admin",
                    io.github.raftspringboot.api.ReadConsistency.LOCAL)).map(node -> node.asInt()).contains(42)));
        assertThat(bad.getError()).isNotEmpty().containsIgnoringCase("frobnicate");
        assertThat(bad.getIndex()).isZero();

        // Null values, duplicate keys and non-JSON numbers are refused in band too, and change nothing.
        Map<String, String> refused = Map.of(
                "{\"op\":\"put\",\"key\":\"admin\",\"value\":null}", "is null",
                "{\"op\":\"put_all\",\"entries\":{\"admin\":1,\"other\":null}}", "is null",
                "{\"op\":\"put\",\"key\":\"admin\",\"value\":{\"d\":1,\"d\":2}}", "Duplicate Object property \"d\"",
                "{\"op\":\"put\",\"key\":\"admin\",\"value\":Infinity}", "not a valid JSON document");
        refused.forEach((command, message) -> {
            AwaitResponse answer = outcome(admin(leader).applyLog(ApplyLogRequest.newBuilder()
                .setData(json(command))
                .build()));
            assertThat(answer.getError()).as(command).contains(message);
            assertThat(answer.getIndex()).isZero();
        });
        assertThat(cluster.store(leader).get("admin")).map(node -> node.asInt()).contains(42);
        assertThat(cluster.store(leader).get("other")).isEmpty();
    }

    @Test
    void leaderOnlyOperationsOnAFollowerFailInBandNamingTheLeader() {
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();

        for (Future future : List.of(admin(follower).barrier(BarrierRequest.getDefaultInstance()),
                admin(follower).verifyLeader(VerifyLeaderRequest.getDefaultInstance()),
                admin(follower).applyLog(ApplyLogRequest.newBuilder()
                    .setData(json("{\"op\":\"put\",\"key\":\"f\",\"value\":1}"))
                    .build()),
                admin(follower).addNonvoter(AddNonvoterRequest.newBuilder()
                    .setId("ghost")
                    .setAddress("127.0.0.1:1")
                    .build()))) {
            AwaitResponse response = outcome(future);
            assertThat(response.getError()).as("%s on follower %s", future, follower).contains(leader);
        }
        assertThat(outcome(admin(leader).barrier(BarrierRequest.getDefaultInstance())).getError()).isEmpty();
        assertThat(outcome(admin(leader).verifyLeader(VerifyLeaderRequest.getDefaultInstance())).getError()).isEmpty();
        assertThat(outcome(admin(leader).snapshot(SnapshotRequest.getDefaultInstance())).getError()).isEmpty();
    }

    @Test
    void membershipChangesPassTheSameSafetyChecksAndARefusalChangesNothing() {
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        List<RaftServerInfo> before = servers(leader);
        String dead = "127.0.0.1:" + TestCluster.freePort();

        assertInvalid(() -> admin(leader).addVoter(AddVoterRequest.newBuilder().setId("x4").setAddress("!!!:1")
            .build()), "not a valid host name");
        // hashicorp/raft's AddVoter moves an existing server to a new address: here only if it answers there as that
        // server.
        AwaitResponse moved = outcome(admin(leader).addVoter(AddVoterRequest.newBuilder().setId(follower)
            .setAddress(dead)
            .build()));
        assertThat(moved.getError()).contains("'" + follower + "' does not answer on its Raft port at " + dead);
        AwaitResponse added = outcome(admin(leader).addVoter(AddVoterRequest.newBuilder().setId("x4")
            .setAddress(dead)
            .build()));
        assertThat(added.getError()).contains("'x4' does not answer on its Raft port");
        assertThat(servers(leader)).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void rejectsBadRequestsWithInvalidArgument() {
        String leader = cluster.awaitLeader();
        RaftAdminBlockingStub admin = admin(leader);

        assertInvalid(() -> admin.addVoter(AddVoterRequest.newBuilder().setAddress("127.0.0.1:1").build()), "id");
        assertInvalid(() -> admin.addVoter(AddVoterRequest.newBuilder().setId("x").setAddress("nohost").build()),
                "host:port");
        assertInvalid(() -> admin.addVoter(AddVoterRequest.newBuilder()
            .setId("x")
            .setAddress("127.0.0.1:99999")
            .build()), "65535");
        assertInvalid(() -> admin.demoteVoter(DemoteVoterRequest.newBuilder().setId("x").setPreviousIndex(-1).build()),
                "previous_index");
        assertInvalid(() -> admin.applyLog(ApplyLogRequest.getDefaultInstance()), "data");
        assertInvalid(() -> admin.await(Future.getDefaultInstance()), "operation_token");

        AwaitResponse unknown = outcome(admin.removeServer(RemoveServerRequest.newBuilder().setId("nobody").build()));
        assertThat(unknown.getError()).contains("nobody");
    }

    @Test
    void unknownAndForgottenTokensAreNotFound() {
        String leader = cluster.awaitLeader();
        String token = "0123456789abcdef0123456789abcdef01234567";

        assertThatExceptionOfType(StatusRuntimeException.class)
            .isThrownBy(() -> admin(leader).await(Future.newBuilder().setOperationToken(token).build()))
            .satisfies(ex -> {
                assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                assertThat(ex.getStatus().getDescription()).isEqualTo("token \"" + token + "\" unknown");
            });

        Future future = admin(leader).barrier(BarrierRequest.getDefaultInstance());
        assertThat(future.getOperationToken()).matches("[0-9a-f]{40}");
        assertThat(outcome(future).getError()).isEmpty();
        admin(leader).forget(future);
        assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> admin(leader).await(future))
            .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> admin(leader).forget(future))
            .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void addsDemotesAndRemovesAServerAndShutsItDown() {
        String leader = cluster.awaitLeader();
        String address = cluster.reserve("node4");
        cluster.startNode("node4", Map.of("raft.bootstrap", "false"));
        long before = cluster.node(leader).status().configurationIndex();

        // AddVoter by its raw method path, as a raftadmin client built from the original .proto calls it.
        Future added = ClientCalls.blockingUnaryCall(channel(leader), rawMethod("AddVoter",
                AddVoterRequest.getDefaultInstance(), Future.getDefaultInstance()),
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                AddVoterRequest.newBuilder().setId("node4").setAddress(address).setPreviousIndex(before).build());
        AwaitResponse addedResult = ClientCalls.blockingUnaryCall(channel(leader), rawMethod("Await",
                Future.getDefaultInstance(), AwaitResponse.getDefaultInstance()),
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), added);
        assertThat(addedResult.getError()).isEmpty();
        assertThat(addedResult.getIndex()).isGreaterThan(before);
        assertThat(servers(leader)).contains(new RaftServerInfo("node4", address, Suffrage.VOTER));
        await().atMost(TIMEOUT).until(() -> cluster.node("node4").status().role() == RaftRole.FOLLOWER);

        long afterAdd = cluster.node(leader).status().configurationIndex();
        AwaitResponse demoted = outcome(admin(leader).demoteVoter(DemoteVoterRequest.newBuilder()
            .setId("node4")
            .setPreviousIndex(afterAdd)
            .build()));
        assertThat(demoted.getError()).isEmpty();
        assertThat(servers(leader)).contains(new RaftServerInfo("node4", address, Suffrage.NONVOTER));

        // The configuration changed since "afterAdd": a change guarded by it is refused.
        AwaitResponse stale = outcome(admin(leader).removeServer(RemoveServerRequest.newBuilder()
            .setId("node4")
            .setPreviousIndex(afterAdd)
            .build()));
        assertThat(stale.getError()).contains("configuration changed since " + afterAdd);
        assertThat(servers(leader)).extracting(RaftServerInfo::id).contains("node4");

        AwaitResponse removed = outcome(admin(leader).removeServer(RemoveServerRequest.newBuilder()
            .setId("node4")
            .setPreviousIndex(cluster.node(leader).status().configurationIndex())
            .build()));
        assertThat(removed.getError()).isEmpty();
        assertThat(servers(leader)).extracting(RaftServerInfo::id).doesNotContain("node4");

        assertThat(outcome(admin("node4").shutdown(ShutdownRequest.getDefaultInstance())).getError()).isEmpty();
        await().atMost(TIMEOUT)
            .untilAsserted(() -> assertThat(admin("node4").state(StateRequest.getDefaultInstance()).getState())
                .isEqualTo(StateResponse.State.SHUTDOWN));
        assertThat(cluster.context("node4").isActive()).isTrue();
        cluster.stop("node4");
    }

    @Test
    void transfersLeadershipAndLeaderHealthFollows() {
        String leader = cluster.awaitLeader();
        String target = cluster.running().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        assertLeaderHealth(leader);

        AwaitResponse wrongAddress = outcome(admin(leader).leadershipTransferToServer(
                LeadershipTransferToServerRequest.newBuilder().setId(target).setAddress("127.0.0.1:1").build()));
        assertThat(wrongAddress.getError()).contains(target);

        AwaitResponse moved = outcome(admin(leader).leadershipTransferToServer(
                LeadershipTransferToServerRequest.newBuilder()
                    .setId(target)
                    .setAddress(cluster.node(target).status().address())
                    .build()));
        assertThat(moved.getError()).isEmpty();
        assertThat(cluster.awaitLeader()).isEqualTo(target);
        assertLeaderHealth(target);

        AwaitResponse movedAgain = outcome(admin(target).leadershipTransfer(LeadershipTransferRequest.getDefaultInstance()));
        assertThat(movedAgain.getError()).isEmpty();
        String next = cluster.awaitLeader();
        assertThat(next).isNotEqualTo(target);
        assertLeaderHealth(next);
    }

    @Test
    void aClientWithHealthCheckingAndRoundRobinCallsOnlyTheLeader() {
        NameResolverRegistry.getDefaultRegistry().register(new StaticAddressesNameResolverProvider("raft-test",
                () -> cluster.running().stream()
                    .map(id -> new InetSocketAddress("127.0.0.1", grpcPort(id)))
                    .toList()));
        ManagedChannel leaderChannel = ManagedChannelBuilder.forTarget("raft-test:///cluster")
            .defaultServiceConfig(Map.of("loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
                    "healthCheckConfig", Map.of("serviceName", "quis.RaftLeader")))
            .usePlaintext()
            .build();
        try {
            RaftAdminBlockingStub toLeader = RaftAdminGrpc.newBlockingStub(leaderChannel);
            String leader = cluster.awaitLeader();
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(toLeader.withDeadlineAfter(5, TimeUnit.SECONDS)
                .state(StateRequest.getDefaultInstance())
                .getState()).isEqualTo(StateResponse.State.LEADER));
            for (int i = 0; i < 10; i++) {
                assertThat(toLeader.withDeadlineAfter(5, TimeUnit.SECONDS)
                    .stats(StatsRequest.getDefaultInstance())
                    .getStatsMap()).containsEntry("state", "Leader");
            }

            String target = cluster.running().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            assertThat(outcome(admin(leader).leadershipTransferToServer(LeadershipTransferToServerRequest.newBuilder()
                .setId(target)
                .setAddress(cluster.node(target).status().address())
                .build())).getError()).isEmpty();
            assertThat(cluster.awaitLeader()).isEqualTo(target);
            String targetAddress = cluster.node(target).status().address();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                Map<String, String> stats = toLeader.withDeadlineAfter(5, TimeUnit.SECONDS)
                    .stats(StatsRequest.getDefaultInstance())
                    .getStatsMap();
                assertThat(stats).containsEntry("state", "Leader");
                assertThat(toLeader.withDeadlineAfter(5, TimeUnit.SECONDS)
                    .leader(LeaderRequest.getDefaultInstance())
                    .getAddress()).isEqualTo(targetAddress);
            });
        }
        finally {
            leaderChannel.shutdownNow();
        }
    }

    private static void assertLeaderHealth(String leader) {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            for (String id : cluster.running()) {
                ServingStatus expected = id.equals(leader) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
                for (String service : List.of("quis.RaftLeader", "example.Orders")) {
                    assertThat(HealthGrpc.newBlockingStub(channel(id))
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService(service).build())
                        .getStatus()).as("%s on %s", service, id).isEqualTo(expected);
                }
            }
        });
    }

    private static void assertInvalid(Runnable call, String mentioned) {
        assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(call::run).satisfies(ex -> {
            assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(ex.getStatus().getDescription()).contains(mentioned);
        });
    }

    private static List<RaftServerInfo> servers(String id) {
        return cluster.node(id).status().servers();
    }

    private static AwaitResponse outcome(Future future) {
        AwaitResponse response = RaftAdminGrpc.newBlockingStub(channelOf(future))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .await(future);
        return response;
    }

    private static <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message>
            MethodDescriptor<Q, R> rawMethod(String name, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("RaftAdmin/" + name)
            .setRequestMarshaller(ProtoUtils.marshaller(request))
            .setResponseMarshaller(ProtoUtils.marshaller(response))
            .build();
    }

    private static final Map<String, String> tokenOwners = new ConcurrentHashMap<>();

    private static RaftAdminBlockingStub admin(String id) {
        return RaftAdminGrpc.newBlockingStub(new OwnerRecordingChannel(id))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static ManagedChannel channelOf(Future future) {
        return channel(tokenOwners.getOrDefault(future.getOperationToken(), cluster.awaitLeader()));
    }

    private static ManagedChannel channel(String id) {
        return channels.computeIfAbsent(id, node -> ManagedChannelBuilder
            .forAddress("127.0.0.1", grpcPort(node))
            .usePlaintext()
            .build());
    }

    private static int grpcPort(String id) {
        return cluster.context(id).getBean(GrpcServerLifecycle.class).getPort();
    }

    private static ByteString json(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** Remembers which node issued each token, so that Await goes to the node that holds it. */
    private static final class OwnerRecordingChannel extends io.grpc.Channel {

        private final String id;

        OwnerRecordingChannel(String id) {
            this.id = id;
        }

        @Override
        public <Q, R> io.grpc.ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            return new io.grpc.ForwardingClientCall.SimpleForwardingClientCall<Q, R>(channel(id).newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, io.grpc.Metadata headers) {
                    super.start(new io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(listener) {
                        @Override
                        public void onMessage(R message) {
                            if (message instanceof Future future) {
                                tokenOwners.put(future.getOperationToken(), id);
                            }
                            super.onMessage(message);
                        }
                    }, headers);
                }
            };
        }

        @Override
        public String authority() {
            return channel(id).authority();
        }
    }
}
