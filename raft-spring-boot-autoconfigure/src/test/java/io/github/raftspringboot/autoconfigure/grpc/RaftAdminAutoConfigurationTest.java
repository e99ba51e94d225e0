package io.github.raftspringboot.autoconfigure.grpc;

import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.raftspringboot.admin.grpc.RaftAdminGrpc;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.engine.RaftEngine;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** When the admin service and leader health exist, and how to switch them off. */
class RaftAdminAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftAdminAutoConfiguration.class, RaftLeaderHealthAutoConfiguration.class))
        .withBean(RaftEngine.class, () -> Mockito.mock(RaftEngine.class))
        .withBean(HealthStatusManager.class, HealthStatusManager::new);

    @Test
    void servesTheAdminServiceAndLeaderHealthByDefault() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(RaftAdminGrpc.RaftAdminImplBase.class).hasSingleBean(RaftLeaderHealth.class);
            assertThat(context.getBean(RaftLeaderHealth.class).services()).containsExactly("quis.RaftLeader");
        });
    }

    @Test
    void adminServiceCanBeSwitchedOff() {
        runner.withPropertyValues("raft.grpc.admin.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(RaftAdminGrpc.RaftAdminImplBase.class));
    }

    @Test
    void leaderHealthNamesAreConfigurableAndStartNotServingOnAFollower() {
        runner.withPropertyValues("raft.grpc.health.service-name=my.Leader", "raft.grpc.health.services=a.A,b.B")
            .run(context -> {
                assertThat(context.getBean(RaftLeaderHealth.class).services()).containsExactly("my.Leader", "a.A", "b.B");
                HealthStatusManager health = context.getBean(HealthStatusManager.class);
                assertThat(health.getHealthService()).isNotNull();
                RaftLeaderHealth leaderHealth = context.getBean(RaftLeaderHealth.class);
                leaderHealth.roleChanged(io.github.raftspringboot.api.RaftRole.FOLLOWER,
                        io.github.raftspringboot.api.RaftRole.LEADER, 2);
                assertThat(status(health, "b.B")).isEqualTo(ServingStatus.SERVING);
                leaderHealth.roleChanged(io.github.raftspringboot.api.RaftRole.LEADER,
                        io.github.raftspringboot.api.RaftRole.FOLLOWER, 3);
                assertThat(status(health, "my.Leader")).isEqualTo(ServingStatus.NOT_SERVING);
            });
    }

    @Test
    void leaderHealthCanBeSwitchedOff() {
        runner.withPropertyValues("raft.grpc.health.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(RaftLeaderHealth.class));
    }

    @Test
    void backsOffWithoutARaftNode() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RaftAdminAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(RaftAdminGrpc.RaftAdminImplBase.class)
                .doesNotHaveBean(RaftNode.class));
    }

    private static ServingStatus status(HealthStatusManager health, String service) throws Exception {
        io.grpc.health.v1.HealthCheckResponse[] response = new io.grpc.health.v1.HealthCheckResponse[1];
        ((io.grpc.health.v1.HealthGrpc.HealthImplBase) health.getHealthService()).check(
                io.grpc.health.v1.HealthCheckRequest.newBuilder().setService(service).build(),
                new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.health.v1.HealthCheckResponse value) {
                        response[0] = value;
                    }

                    @Override
                    public void onError(Throwable t) {
                        throw new AssertionError(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return response[0].getStatus();
    }
}
