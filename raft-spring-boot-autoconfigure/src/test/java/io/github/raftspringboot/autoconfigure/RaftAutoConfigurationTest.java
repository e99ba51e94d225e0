package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftStateMachines;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.autoconfigure.events.RaftEventPublisher;
import io.github.raftspringboot.autoconfigure.events.RaftEventsAutoConfiguration;
import io.github.raftspringboot.autoconfigure.kv.RaftKeyValueStoreAutoConfiguration;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.test.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The core, key-value and events auto-configurations: what they create by default, that each bean backs off when
 * the application defines its own, {@code raft.enabled=false}, and property validation failures.
 */
class RaftAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class,
                RaftKeyValueStoreAutoConfiguration.class, RaftEventsAutoConfiguration.class));

    /** A runner whose engine is a mock, so that no node starts. */
    private final ApplicationContextRunner withMockEngine = runner.withBean(RaftEngine.class,
            () -> mock(RaftEngine.class));

    @Test
    void defaultsStartAOneNodeClusterThatServesTheStore(@TempDir Path dir) {
        runner.withPropertyValues("raft.node-id=solo", "raft.port=" + FreePorts.next(), "raft.bind-address=127.0.0.1",
                    "raft.advertise-address=127.0.0.1", "raft.state-dir=" + dir.resolve("solo"))
            .run(context -> {
                assertThat(context).hasNotFailed()
                    .hasSingleBean(RaftNodeSettings.class)
                    .hasSingleBean(RaftEngine.class)
                    .hasSingleBean(ReplicatedStateMachine.class)
                    .hasSingleBean(RaftKeyValueStore.class)
                    .hasSingleBean(RaftEventPublisher.class);
                RaftNodeSettings settings = context.getBean(RaftNodeSettings.class);
                assertThat(settings.nodeId()).isEqualTo("solo");
                assertThat(settings.peers()).singleElement().satisfies(peer -> assertThat(peer.id()).isEqualTo("solo"));
                assertThat(settings.bootstrap()).isTrue();
                assertThat(settings.heartbeatInterval().multipliedBy(2)).isLessThanOrEqualTo(settings.electionTimeout());
                RaftNode node = context.getBean(RaftNode.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> node.status().role() == RaftRole.LEADER);
                RaftKeyValueStore store = context.getBean(RaftKeyValueStore.class);
                store.put("k", 1);
                assertThat(store.get("k")).hasValueSatisfying(value -> assertThat(value.asInt()).isEqualTo(1));
            });
    }

    @Test
    void raftEnabledFalseConfiguresNothing() {
        runner.withPropertyValues("raft.enabled=false")
            .run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(RaftNodeSettings.class)
                .doesNotHaveBean(RaftEngine.class)
                .doesNotHaveBean(ReplicatedStateMachine.class)
                .doesNotHaveBean(RaftKeyValueStore.class)
                .doesNotHaveBean(RaftEventPublisher.class)
                .doesNotHaveBean(RaftProperties.class));
    }

    @Test
    void theApplicationsEngineReplacesTheBuiltInOneAndIsStartedWithTheContext() {
        withMockEngine.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(RaftEngine.class).hasSingleBean(RaftKeyValueStore.class);
            verify(context.getBean(RaftEngine.class)).start();
        });
    }

    @Test
    void theApplicationsSettingsAreUsed() {
        RaftNodeSettings custom = RaftNodeSettingsResolver.resolve(withNodeId("custom"));
        withMockEngine.withBean(RaftNodeSettings.class, () -> custom)
            .run(context -> assertThat(context.getBean(RaftNodeSettings.class)).isSameAs(custom));
    }

    @Test
    void theApplicationsStoreAndEventPublisherReplaceTheBuiltInOnes() {
        RaftKeyValueStore store = mock(RaftKeyValueStore.class);
        RaftEventPublisher publisher = mock(RaftEventPublisher.class);
        withMockEngine.withBean(RaftKeyValueStore.class, () -> store)
            .withBean(RaftEventPublisher.class, () -> publisher)
            .run(context -> {
                assertThat(context.getBean(RaftKeyValueStore.class)).isSameAs(store);
                assertThat(context.getBean(RaftEventPublisher.class)).isSameAs(publisher);
            });
    }

    @Test
    void eventsCanBeTurnedOff() {
        withMockEngine.withPropertyValues("raft.events.enabled=false")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RaftEventPublisher.class));
    }

    @Test
    void theApplicationsStateMachinesRunBesideTheStoreByTheirBeanNames() {
        withMockEngine.withBean("orders", ReplicatedStateMachine.class, () -> mock(ReplicatedStateMachine.class))
            .run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(RaftKeyValueStore.class);
                assertThat(context.getBean(RaftStateMachines.class).names()).containsExactly("kv", "orders");
            });
    }

    @Test
    void replacingTheStoresStateMachineWithoutTheStoreFailsWithAnExplanation() {
        withMockEngine.withBean(RaftKeyValueStoreAutoConfiguration.STATE_MACHINE_BEAN_NAME,
                    ReplicatedStateMachine.class, () -> mock(ReplicatedStateMachine.class))
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .hasStackTraceContaining("The RaftKeyValueStore needs the key-value state machine")
                .hasStackTraceContaining("define your own RaftKeyValueStore bean"));
    }

    @Test
    void anInvalidPropertyFailsTheContextNamingTheProperty() {
        runner.withPropertyValues("raft.election-timeout=1s", "raft.heartbeat-interval=600ms")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidRaftPropertyException.class)
                .hasMessageContaining("raft.heartbeat-interval")
                .hasMessageContaining("at most half of raft.election-timeout"));
    }

    @Test
    void aLargestEntryTheHeapCannotHoldIsRefusedSayingHowMuchHeapItNeeds() {
        RaftProperties properties = withNodeId("node1");
        properties.getLimits().setMaxEntrySize(DataSize.ofMegabytes(64));
        properties.getSnapshot().setSegmentSize(DataSize.ofMegabytes(256));
        long heap = DataSize.ofMegabytes(192).toBytes();

        assertThatThrownBy(() -> RaftNodeSettingsResolver.resolve(properties, heap))
            .isInstanceOf(InvalidRaftPropertyException.class)
            .hasMessageContaining("Invalid value '64MB' for raft.limits.max-entry-size")
            .hasMessageContaining("about 4 times the largest entry in heap (256MB)")
            .hasMessageContaining("maximum heap is 192MB")
            .extracting(ex -> ((InvalidRaftPropertyException) ex).action())
            .asString()
            .contains("at most 48MB", "-Xmx288m");
        assertThat(RaftNodeSettingsResolver.resolve(properties, DataSize.ofMegabytes(256).toBytes()).maxEntrySize())
            .isEqualTo(64 << 20);
        assertThat(RaftNodeSettingsResolver.resolve(properties, Long.MAX_VALUE).maxEntrySize()).isEqualTo(64 << 20);
    }

    @Test
    void aMalformedPeerListFailsTheContext() {
        runner.withPropertyValues("raft.node-id=node1", "raft.peers=node1@127.0.0.1:12001,node2")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidRaftPropertyException.class)
                .hasMessageContaining("raft.peers")
                .hasMessageContaining("id@host:port"));
    }

    private static RaftProperties withNodeId(String id) {
        RaftProperties properties = new RaftProperties();
        properties.setNodeId(id);
        properties.setStorage(RaftProperties.StorageMode.MEMORY);
        return properties;
    }
}
