package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.autoconfigure.RaftProperties;

/**
 * The {@code raft} health indicator, when Spring Boot's health support is on the classpath
 * ({@code management.health.raft.enabled}, on by default).
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RaftNode.class)
@ConditionalOnEnabledHealthIndicator("raft")
@EnableConfigurationProperties(RaftHealthProperties.class)
public final class RaftHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "raftHealthIndicator")
    RaftHealthIndicator raftHealthIndicator(RaftNode node, RaftHealthProperties health,
            ObjectProvider<RaftProperties> raft) {
        Duration grace = (health.getLeaderGracePeriod() != null) ? health.getLeaderGracePeriod()
                : raft.getIfAvailable(RaftProperties::new).getElectionTimeout().multipliedBy(3);
        return new RaftHealthIndicator(node, grace);
    }
}
