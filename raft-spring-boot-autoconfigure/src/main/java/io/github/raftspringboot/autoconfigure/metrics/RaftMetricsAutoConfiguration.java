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
import io.github.raftspringboot.autoconfigure.kv.RaftKeyValueStoreAutoConfiguration;

/**
 * Micrometer meters of the Raft node and of the replicated store (names in docs/metrics.md), when Micrometer and
 * Spring Boot's metrics support are on the classpath and {@code raft.metrics.enabled} is not {@code false}.
 */
@AutoConfiguration(after = { RaftAutoConfiguration.class, RaftKeyValueStoreAutoConfiguration.class },
        afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ RaftNode.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "raft.metrics.enabled", matchIfMissing = true)
public final class RaftMetricsAutoConfiguration {

    /** How often the leader re-reads its set of followers for the per-follower replication meters. */
    private static final Duration PEER_REFRESH_INTERVAL = Duration.ofSeconds(2);

    @Bean
    @ConditionalOnMissingBean
    RaftNodeMeterBinder raftNodeMeterBinder(RaftNode node) {
        return new RaftNodeMeterBinder(node);
    }

    /** Engine meters (snapshots, log latencies, per-follower replication), when the engine provides them. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(RaftMetricsSource.class)
    static class EngineMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RaftEngineMeterBinder raftEngineMeterBinder(RaftMetricsSource source, RaftNode node) {
            return new RaftEngineMeterBinder(source, node, PEER_REFRESH_INTERVAL);
        }
    }

    /** Store meters: the entry count and a timer around every operation of the {@link RaftKeyValueStore} bean. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(RaftKeyValueStore.class)
    static class StoreMetricsConfiguration {

        @Bean
        static TimedRaftKeyValueStorePostProcessor timedRaftKeyValueStorePostProcessor(
                ObjectProvider<MeterRegistry> registries) {
            return new TimedRaftKeyValueStorePostProcessor(registries);
        }

        @Bean
        @ConditionalOnMissingBean
        RaftStoreMeterBinder raftStoreMeterBinder(RaftKeyValueStore store) {
            return new RaftStoreMeterBinder(store);
        }
    }
}
