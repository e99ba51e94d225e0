package io.github.raftspringboot.autoconfigure.grpc;

import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.backup.proto.RaftBackupGrpc;
import io.github.raftspringboot.api.RaftNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class RaftAdminGrpcAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftAdminGrpcAutoConfiguration.class,
                RaftLeaderHealthAutoConfiguration.class))
        .withUserConfiguration(NodeConfiguration.class);

    @Test
    void exposesTheAdminServiceAndLeaderHealthByDefault() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(RaftAdminGrpc.RaftAdminImplBase.class);
            assertThat(context).hasSingleBean(RaftBackupGrpc.RaftBackupImplBase.class);
            assertThat(context).hasSingleBean(RaftAdminOperations.class);
            assertThat(context).hasSingleBean(RaftLeaderHealthUpdater.class);
        });
    }

    @Test
    void adminCanBeSwitchedOff() {
        runner.withPropertyValues("raft.grpc.admin.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(RaftAdminGrpc.RaftAdminImplBase.class)
                .doesNotHaveBean(RaftBackupGrpc.RaftBackupImplBase.class)
                .doesNotHaveBean(RaftAdminOperations.class));
    }

    @Test
    void leaderHealthCanBeSwitchedOff() {
        runner.withPropertyValues("raft.grpc.health.enabled=false")
            .run(context -> assertThat(context).hasSingleBean(RaftAdminGrpc.RaftAdminImplBase.class)
                .doesNotHaveBean(RaftLeaderHealthUpdater.class));
    }

    @Test
    void nothingWithoutARaftNode() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RaftAdminGrpcAutoConfiguration.class,
                    RaftLeaderHealthAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(RaftAdminGrpc.RaftAdminImplBase.class)
                .doesNotHaveBean(RaftLeaderHealthUpdater.class));
    }

    @Test
    void anInvalidTokenTtlFailsStartUpSayingWhichProperty() {
        runner.withPropertyValues("raft.grpc.admin.token-ttl=0s")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("raft.grpc.admin.token-ttl"));
    }

    @Test
    void aTokenWithSpacesFailsStartUpWithoutShowingIt() {
        runner.withPropertyValues("raft.grpc.admin.token=good-token,secret with spaces")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("raft.grpc.admin.token")
                .hasMessageNotContaining("secret"));
    }

    @Test
    void theAuthenticatorGuardsTheAdminServices() {
        runner.withPropertyValues("raft.grpc.admin.token=t0ken")
            .run(context -> assertThat(context).hasSingleBean(AdminCallAuthenticator.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class NodeConfiguration {

        @Bean
        RaftNode raftNode() {
            return mock(RaftNode.class);
        }

        /** Stands in for Spring Boot's gRPC health auto-configuration, which needs the actuator classes here. */
        @Bean
        HealthStatusManager healthStatusManager() {
            return new HealthStatusManager();
        }
    }
}
