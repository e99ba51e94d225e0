package io.github.raftspringboot.autoconfigure.grpc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.admin.client.LeaderRouting;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.github.raftspringboot.admin.proto.StatsRequest;
import io.github.raftspringboot.autoconfigure.TestCluster;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader health on Spring gRPC's standard Health service: SERVING on the leader only, flipping on every node when
 * leadership moves; a client with a health-checked round_robin service config always reaches the leader.
 */
class LeaderHealthTest {

    @TempDir
    Path dir;

    TestCluster cluster;

    AdminClients clients;

    ManagedChannel leaderChannel;

    @AfterEach
    void stop() {
        if (leaderChannel != null) {
            leaderChannel.shutdownNow();
        }
        clients.close();
        cluster.close();
    }

    @Test
    void leaderHealthFollowsLeadershipAndRoutesClientsToTheLeaderThroughAFailover() {
        cluster = TestCluster.start(3, dir, Map.of("raft.grpc.health.services", "kv.Writes,orders.OrderService"));
        clients = new AdminClients(cluster);
        String leader = cluster.awaitLeader();
        awaitHealthShowsLeader(leader);

        String target = cluster.anyFollower();
        cluster.node(leader).transferLeadership(target).join();
        assertThat(cluster.awaitLeader()).isEqualTo(target);
        awaitHealthShowsLeader(target);

        // The example client of docs/grpc-admin.md: all nodes, round_robin, health-checked on quis.RaftLeader.
        leaderChannel = Grpc.newChannelBuilder(
                cluster.ids().stream().map(clients::grpcAddress).collect(Collectors.joining(",", "multi:///", "")),
                InsecureChannelCredentials.create())
            .defaultServiceConfig(LeaderRouting.serviceConfig(LeaderRouting.DEFAULT_HEALTH_SERVICE))
            .build();
        for (int i = 0; i < 5; i++) {
            assertThat(nodeReachedThroughLeaderChannel()).isEqualTo(target);
        }

        cluster.stop(target);
        String newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotEqualTo(target);
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(nodeReachedThroughLeaderChannel()).isEqualTo(newLeader));
        assertThat(RaftAdminGrpc.newBlockingStub(leaderChannel)
            .withWaitForReady()
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .state(StateRequest.getDefaultInstance())
            .getState()).isEqualTo(StateResponse.State.LEADER);
    }

    @Test
    void reflectionListsTheRaftAdminAndHealthServices() throws Exception {
        cluster = TestCluster.start(1, dir, Map.of());
        clients = new AdminClients(cluster);
        String node = cluster.awaitLeader();
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(clients.channel(node))
            .serverReflectionInfo(new StreamObserver<>() {
                @Override
                public void onNext(ServerReflectionResponse response) {
                    services.complete(response.getListServicesResponse()
                        .getServiceList()
                        .stream()
                        .map(ServiceResponse::getName)
                        .toList());
                }

                @Override
                public void onError(Throwable error) {
                    services.completeExceptionally(error);
                }

                @Override
                public void onCompleted() {
                }
            });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(services.get(30, TimeUnit.SECONDS)).contains("RaftAdmin", "grpc.health.v1.Health");
    }

    private String nodeReachedThroughLeaderChannel() {
        return RaftAdminGrpc.newBlockingStub(leaderChannel)
            .withWaitForReady()
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .stats(StatsRequest.getDefaultInstance())
            .getStatsOrThrow("node_id");
    }

    private void awaitHealthShowsLeader(String leader) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : cluster.running()) {
                ServingStatus expected = id.equals(leader) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
                for (String service : List.of("quis.RaftLeader", "kv.Writes", "orders.OrderService")) {
                    assertThat(HealthGrpc.newBlockingStub(clients.channel(id))
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService(service).build())
                        .getStatus()).as("%s on %s", service, id).isEqualTo(expected);
                }
            }
        });
    }
}
