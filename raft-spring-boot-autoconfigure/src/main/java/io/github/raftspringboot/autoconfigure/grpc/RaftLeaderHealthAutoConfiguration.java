package io.github.raftspringboot.autoconfigure.grpc;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.grpc.protobuf.services.HealthStatusManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;

/**
 * Publishes which node leads on Spring Boot's gRPC Health service ({@code raft.grpc.health.enabled}, on by
 * default): it sets statuses on the server's one {@link HealthStatusManager} rather than adding a second
 * Health service. Needs Raft events ({@code raft.events.enabled}, on by default) to follow changes.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class,
        afterName = "org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration")
@ConditionalOnClass(HealthStatusManager.class)
@ConditionalOnBean({ RaftNode.class, HealthStatusManager.class })
@ConditionalOnBooleanProperty(name = "raft.grpc.health.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftLeaderHealthProperties.class)
public final class RaftLeaderHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftLeaderHealthUpdater raftLeaderHealthUpdater(RaftNode node, HealthStatusManager health,
            RaftLeaderHealthProperties properties) {
        Set<String> services = new LinkedHashSet<>();
        services.add(properties.getLeaderServiceName());
        services.addAll(properties.getServices());
        return new RaftLeaderHealthUpdater(node, health, List.copyOf(services));
    }
}
