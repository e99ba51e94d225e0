package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Clock;

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

/**
 * The {@code raft} health indicator, when Spring Boot's health support is on the classpath and
 * {@code management.health.raft.enabled} is not {@code false}.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RaftNode.class)
@ConditionalOnEnabledHealthIndicator("raft")
@EnableConfigurationProperties(RaftHealthProperties.class)
public final class RaftHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LeaderContactTracker raftLeaderContactTracker() {
        return new LeaderContactTracker(Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean(name = "raftHealthIndicator")
    HealthIndicator raftHealthIndicator(RaftNode node, LeaderContactTracker tracker,
            RaftHealthProperties properties) {
        return new RaftHealthIndicator(node, tracker, properties.getLeaderGracePeriod(), Clock.systemUTC());
    }
}
