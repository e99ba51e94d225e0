package io.github.raftspringboot.autoconfigure.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftRoleChangedEvent;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;
import io.github.raftspringboot.engine.RaftMetricsSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** Role, election and leader-contact meters, and the meters fed by an engine's {@link RaftMetricsSource}. */
class RaftEngineMetersTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftMetricsAutoConfiguration.class))
        .withUserConfiguration(NodeConfiguration.class);

    @Test
    void roleElectionsAndLeaderContactFromTheNode() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            RaftMetrics metrics = context.getBean(RaftMetrics.class);
            metrics.bindTo(registry);
            assertThat(registry.get("raft.role").tag("role", "follower").gauge().value()).isEqualTo(1);
            assertThat(registry.get("raft.role").tag("role", "leader").gauge().value()).isZero();
            assertThat(registry.get("raft.leader.last.contact").timeGauge().value(TimeUnit.MILLISECONDS))
                .isEqualTo(250);
            metrics.onRoleChanged(new RaftRoleChangedEvent("node2", RaftRole.FOLLOWER, RaftRole.CANDIDATE, 8));
            metrics.onRoleChanged(new RaftRoleChangedEvent("node2", RaftRole.CANDIDATE, RaftRole.FOLLOWER, 8));
            assertThat(registry.get("raft.elections").functionCounter().count()).isEqualTo(1);
            assertThat(context).doesNotHaveBean(RaftEngineMeterBinder.class);
        });
    }

    @Test
    void engineMetersWhenTheEngineProvidesThem() {
        runner.withUserConfiguration(SourceConfiguration.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(RaftEngineMeterBinder.class).bindTo(registry);
            FunctionTimer snapshots = registry.get("raft.snapshot").tag("raft.node", "node2").functionTimer();
            assertThat(snapshots.count()).isEqualTo(3);
            assertThat(snapshots.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
            assertThat(registry.get("raft.snapshot.size").gauge().value()).isEqualTo(4096);
            assertThat(registry.get("raft.log.append").functionTimer().count()).isEqualTo(10);
            assertThat(registry.get("raft.log.commit").functionTimer().count()).isEqualTo(9);
            assertThat(registry.get("raft.log.leader.sync").functionTimer().count()).as("not provided: none").isZero();
            // Last log index 41: node1 at 30 is 11 behind.
            await().untilAsserted(() -> {
                assertThat(registry.get("raft.replication.lag").tag("peer", "node1").gauge().value()).isEqualTo(11);
                assertThat(registry.get("raft.replication.match.index").tag("peer", "node3").gauge().value())
                    .isEqualTo(41);
            });
            context.getBean(FakeSource.class).matchIndexes.remove("node3");
            await().untilAsserted(
                    () -> assertThat(registry.find("raft.replication.lag").tag("peer", "node3").gauge()).isNull());
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class NodeConfiguration {

        @Bean
        RaftNode raftNode() {
            Instant now = Instant.now();
            RaftNodeStatus status = new RaftNodeStatus("node2", "127.0.0.1:12002", RaftRole.FOLLOWER, 7,
                    new RaftServerInfo("node1", "127.0.0.1:12001", Suffrage.VOTER), 40, 38, 41, 7, 0, 0,
                    now.minusMillis(250), 3, List.of(new RaftServerInfo("node1", "127.0.0.1:12001", Suffrage.VOTER),
                            new RaftServerInfo("node2", "127.0.0.1:12002", Suffrage.VOTER)),
                    now);
            RaftNode node = mock(RaftNode.class);
            given(node.nodeId()).willReturn("node2");
            given(node.status()).willReturn(status);
            return node;
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
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
