package io.github.raftspringboot.autoconfigure.metrics;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.autoconfigure.actuate.StubRaftNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class RaftMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftMetricsAutoConfiguration.class))
        .withUserConfiguration(NodeConfiguration.class);

    @Test
    void nodeMetersFromTheNodeStatus() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(RaftNodeMeterBinder.class).bindTo(registry);
            assertThat(registry.get("raft.term").gauge().value()).isEqualTo(7);
            assertThat(registry.get("raft.log.commit.index").gauge().value()).isEqualTo(40);
            assertThat(registry.get("raft.log.applied.index").gauge().value()).isEqualTo(38);
            assertThat(registry.get("raft.log.apply.lag").gauge().value()).isEqualTo(2);
            assertThat(registry.get("raft.log.last.index").gauge().value()).isEqualTo(41);
            assertThat(registry.get("raft.role").tag("role", "follower").gauge().value()).isEqualTo(1);
            assertThat(registry.get("raft.role").tag("role", "leader").gauge().value()).isZero();
            assertThat(registry.get("raft.peers").tag("suffrage", "voter").gauge().value()).isEqualTo(2);
            assertThat(registry.get("raft.peers").tag("suffrage", "nonvoter").gauge().value()).isEqualTo(1);
            assertThat(registry.get("raft.leader.last.contact").timeGauge().value(TimeUnit.MILLISECONDS)).isNaN();
            context.getBean(StubRaftNode.class)
                .setStatus(StubRaftNode.status(RaftRole.LEADER, null, null));
            assertThat(registry.get("raft.leader").gauge().value()).isEqualTo(1);
            assertThat(registry.get("raft.leader.last.contact").timeGauge().value(TimeUnit.MILLISECONDS)).isZero();
            assertThat(context).doesNotHaveBean(RaftEngineMeterBinder.class);
        });
    }

    @Test
    void storeOperationsAreTimedByOperationAndOutcome() {
        runner.withUserConfiguration(StoreConfiguration.class).run(context -> {
            RaftKeyValueStore store = context.getBean(RaftKeyValueStore.class);
            assertThat(store).isInstanceOf(TimedRaftKeyValueStore.class);
            store.put("a", 1);
            store.put("b", 2);
            assertThatThrownBy(() -> store.delete("a")).isInstanceOf(RaftException.class);
            store.async().size(ReadConsistency.LOCAL).join();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Timer puts = registry.get("raft.store.operations").tags("operation", "put", "outcome", "success").timer();
            assertThat(puts.count()).isEqualTo(2);
            Timer deletes = registry.get("raft.store.operations")
                .tags("operation", "delete", "outcome", "failure", "error", "no_leader")
                .timer();
            assertThat(deletes.count()).isEqualTo(1);
            assertThat(registry.get("raft.store.operations").tags("operation", "size", "consistency", "local").timer()
                .count()).isEqualTo(1);
            // The entry gauge reads the store without counting as an operation.
            context.getBean(RaftStoreMeterBinder.class).bindTo(registry);
            assertThat(registry.get("raft.store.entries").gauge().value()).isEqualTo(5);
            assertThat(registry.find("raft.store.operations").tags("operation", "size", "consistency", "local")
                .timer()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void engineMetersWhenTheEngineProvidesThem() {
        runner.withUserConfiguration(SourceConfiguration.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(RaftEngineMeterBinder.class).bindTo(registry);
            FunctionTimer snapshots = registry.get("raft.snapshot").functionTimer();
            assertThat(snapshots.count()).isEqualTo(3);
            assertThat(snapshots.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
            assertThat(registry.get("raft.snapshot.size").gauge().value()).isEqualTo(4096);
            assertThat(registry.get("raft.log.append").functionTimer().count()).isEqualTo(10);
            assertThat(registry.get("raft.log.commit").functionTimer().count()).isEqualTo(9);
            await().untilAsserted(() -> {
                assertThat(registry.get("raft.replication.lag").tag("peer", "node1").gauge().value()).isEqualTo(11);
                assertThat(registry.get("raft.replication.match.index").tag("peer", "node3").gauge().value())
                    .isEqualTo(41);
            });
            FakeSource source = context.getBean(FakeSource.class);
            source.matchIndexes.remove("node3");
            await().untilAsserted(() -> assertThat(registry.find("raft.replication.lag").tag("peer", "node3").gauge())
                .isNull());
        });
    }

    @Test
    void offWithRaftMetricsEnabledFalse() {
        runner.withUserConfiguration(StoreConfiguration.class)
            .withPropertyValues("raft.metrics.enabled=false")
            .run(context -> {
                assertThat(context).doesNotHaveBean(RaftNodeMeterBinder.class);
                assertThat(context.getBean(RaftKeyValueStore.class)).isNotInstanceOf(TimedRaftKeyValueStore.class);
            });
    }

    @Configuration(proxyBeanMethods = false)
    static class NodeConfiguration {

        @Bean
        StubRaftNode raftNode() {
            return new StubRaftNode();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class StoreConfiguration {

        @Bean
        RaftKeyValueStore raftKeyValueStore() {
            RaftKeyValueStore store = mock(RaftKeyValueStore.class);
            AsyncRaftKeyValueStore async = mock(AsyncRaftKeyValueStore.class);
            given(store.put(anyString(), any())).willReturn(new WriteResult(1, true));
            given(store.delete(anyString())).willThrow(new RaftException(RaftException.Reason.NO_LEADER, "no leader"));
            given(store.size(ReadConsistency.LOCAL)).willReturn(5L);
            given(store.async()).willReturn(async);
            given(async.size(eq(ReadConsistency.LOCAL))).willReturn(CompletableFuture.completedFuture(5L));
            return store;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SourceConfiguration {

        @Bean
        FakeSource raftMetricsSource() {
            return new FakeSource();
        }
    }

    static class FakeSource implements RaftMetricsSource {

        final Map<String, Long> matchIndexes = new ConcurrentHashMap<>(Map.of("node1", 30L, "node3", 41L));

        @Override
        public Map<String, Long> replicationMatchIndexes() {
            return matchIndexes;
        }

        @Override
        public OperationStats snapshots() {
            return new OperationStats(3, TimeUnit.MILLISECONDS.toNanos(1500));
        }

        @Override
        public long lastSnapshotSizeBytes() {
            return 4096;
        }

        @Override
        public OperationStats logAppends() {
            return new OperationStats(10, 1_000_000);
        }

        @Override
        public OperationStats commits() {
            return new OperationStats(9, 2_000_000);
        }
    }

}
