package io.github.raftspringboot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;

/**
 * Micrometer metrics of the Raft node and of the key-value store (docs/metrics.md), when Micrometer is on the
 * classpath. {@code raft.metrics.store-timing.enabled=false} leaves the store unwrapped.
 */
@AutoConfiguration(after = RaftAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(RaftNode.class)
public final class RaftMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftMetrics raftMetrics(RaftNode node) {
        return new RaftMetrics(node);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "raft.metrics.store-timing.enabled", matchIfMissing = true)
    static RaftStoreMetricsPostProcessor raftStoreMetricsPostProcessor(ObjectProvider<MeterRegistry> registries) {
        return new RaftStoreMetricsPostProcessor(registries);
    }
}
