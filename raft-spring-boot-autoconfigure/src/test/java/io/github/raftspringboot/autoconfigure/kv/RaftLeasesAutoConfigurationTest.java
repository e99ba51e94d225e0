package io.github.raftspringboot.autoconfigure.kv;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.support.locks.LockRegistry;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftElections;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLocks;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;
import io.github.raftspringboot.autoconfigure.RaftProperties;
import io.github.raftspringboot.autoconfigure.integration.RaftLockRegistry;
import io.github.raftspringboot.autoconfigure.integration.RaftLockRegistryAutoConfiguration;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.kv.KeyValueStores;
import io.github.raftspringboot.engine.kv.StoreLimits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** When the lease, lock and election beans and the Spring Integration lock registry exist, and when they back off. */
class RaftLeasesAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftLeasesAutoConfiguration.class,
                RaftLockRegistryAutoConfiguration.class))
        .withBean(RaftProperties.class, RaftProperties::new)
        .withBean(RaftEngine.class, () -> {
            // The engine is the node (RaftEngine extends RaftNode), as in the real auto-configuration.
            RaftEngine engine = mock(RaftEngine.class);
            when(engine.nodeId()).thenReturn("node1");
            return engine;
        })
        .withBean(RaftKeyValueStoreAutoConfiguration.STATE_MACHINE_BEAN_NAME, ReplicatedStateMachine.class,
                () -> KeyValueStores.stateMachine(new JsonMapper(), new StoreLimits(1024, 1 << 20, 1 << 20)))
        .withBean(RaftKeyValueStore.class, () -> mock(RaftKeyValueStore.class));

    @Test
    void leasesLocksElectionsAndTheLockRegistryByDefault() {
        runner.run(context -> assertThat(context).hasNotFailed()
            .hasSingleBean(RaftLeases.class)
            .hasSingleBean(RaftLocks.class)
            .hasSingleBean(RaftElections.class)
            .hasSingleBean(RaftLockRegistry.class));
    }

    @Test
    void eachBeanBacksOffForTheApplicationsOwn() {
        RaftLocks locks = mock(RaftLocks.class);
        LockRegistry<?> registry = mock(LockRegistry.class);
        runner.withBean("myLocks", RaftLocks.class, () -> locks)
            .withBean("myRegistry", LockRegistry.class, () -> registry)
            .run(context -> {
                assertThat(context).hasNotFailed().doesNotHaveBean(RaftLockRegistry.class);
                assertThat(context.getBean(RaftLocks.class)).isSameAs(locks);
                assertThat(context.getBean(LockRegistry.class)).isSameAs(registry);
            });
    }

    @Test
    void raftEnabledFalseTurnsThemOff() {
        runner.withPropertyValues("raft.enabled=false")
            .run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(RaftLeases.class)
                .doesNotHaveBean(RaftLocks.class)
                .doesNotHaveBean(LockRegistry.class));
    }

    @Test
    void withoutSpringIntegrationThereIsNoLockRegistry() {
        runner.withClassLoader(new FilteredClassLoader(LockRegistry.class))
            .run(context -> assertThat(context).hasNotFailed()
                .hasSingleBean(RaftLocks.class)
                .doesNotHaveBean(RaftLockRegistry.class));
    }

    @Test
    void theLockTtlIsConfigurableWithinTheLeaseBounds() {
        runner.withPropertyValues("raft.integration.lock-ttl=30s")
            .run(context -> assertThat(context).hasNotFailed().hasSingleBean(RaftLockRegistry.class));
        runner.withPropertyValues("raft.integration.lock-ttl=500ms")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidRaftPropertyException.class)
                .hasMessageContaining("raft.integration.lock-ttl")
                .hasMessageContaining("1s to 24h"));
        assertThat(RaftLeases.MIN_TTL).isEqualTo(Duration.ofSeconds(1));
    }
}
