package io.github.raftspringboot.autoconfigure.grpc;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.autoconfigure.engine.RaftEngine;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * Leader health ({@code raft.grpc.health.enabled}, on by default): sets the leader health services on the
 * {@link HealthStatusManager} of Spring Boot's gRPC server health support, so the server's one standard Health
 * service reports them SERVING on the leader only.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class,
        afterName = "org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration")
@ConditionalOnClass(HealthStatusManager.class)
@ConditionalOnBean({ RaftEngine.class, HealthStatusManager.class })
@ConditionalOnBooleanProperty(name = "raft.grpc.health.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftGrpcProperties.class)
public final class RaftLeaderHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftLeaderHealth raftLeaderHealth(RaftEngine engine, HealthStatusManager health, RaftGrpcProperties properties) {
        Set<String> services = new LinkedHashSet<>();
        services.add(properties.getHealth().getServiceName());
        services.addAll(properties.getHealth().getServices());
        RaftLeaderHealth leaderHealth = new RaftLeaderHealth(health, services.stream().toList(), engine.isLeader());
        engine.addListener(leaderHealth);
        return leaderHealth;
    }
}
