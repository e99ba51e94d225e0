package io.github.raftspringboot.autoconfigure.grpc;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.admin.grpc.RaftAdminGrpc;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.grpc.BindableService;

/**
 * Serves the RaftAdmin service (wire-compatible with raftadmin) on the application's Spring gRPC server
 * ({@code raft.grpc.admin.enabled}, on by default). Ordered before Spring Boot's gRPC server auto-configurations:
 * they start a server (with health and reflection) only when a {@link BindableService} bean exists, and this
 * service is that bean in an application with no gRPC service of its own.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class,
        beforeName = { "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration",
                "org.springframework.boot.grpc.server.autoconfigure.GrpcServerServicesAutoConfiguration",
                "org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration" })
@ConditionalOnClass({ BindableService.class, RaftAdminGrpc.class,
        org.springframework.grpc.server.GrpcServerFactory.class })
@ConditionalOnBean(RaftNode.class)
@ConditionalOnBooleanProperty(name = "raft.grpc.admin.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftGrpcProperties.class)
public final class RaftAdminAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(RaftAdminGrpc.RaftAdminImplBase.class)
    RaftAdminGrpc.RaftAdminImplBase raftAdminService(RaftNode node, RaftGrpcProperties properties) {
        RaftGrpcProperties.Admin admin = properties.getAdmin();
        return new RaftAdminService(node,
                new OperationTable(admin.getResultTtl(), admin.getMaxOperations(), System::nanoTime));
    }
}
