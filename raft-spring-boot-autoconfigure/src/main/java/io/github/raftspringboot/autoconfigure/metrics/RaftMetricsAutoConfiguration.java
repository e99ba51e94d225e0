package io.github.raftspringboot.autoconfigure.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.engine.RaftMetricsSource;

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

    /** Engine meters (snapshots, log latencies, per-follower replication), when the engine provides them. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(RaftMetricsSource.class)
    static class EngineMetricsConfiguration {

        /** How often the leader re-reads its set of followers for the per-follower replication meters. */
        private static final Duration PEER_REFRESH_INTERVAL = Duration.ofSeconds(2);

        @Bean
        @ConditionalOnMissingBean
        RaftEngineMeterBinder raftEngineMeterBinder(RaftMetricsSource source, RaftNode node) {
            return new RaftEngineMeterBinder(source, node, PEER_REFRESH_INTERVAL);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(RaftKeyValueStore.class)
    RaftStoreMeterBinder raftStoreMeterBinder(RaftKeyValueStore store, RaftNode node) {
        return new RaftStoreMeterBinder(store, node);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "raft.metrics.store-timing.enabled", matchIfMissing = true)
    static RaftStoreMetricsPostProcessor raftStoreMetricsPostProcessor(ObjectProvider<MeterRegistry> registries) {
        return new RaftStoreMetricsPostProcessor(registries);
    }
}
