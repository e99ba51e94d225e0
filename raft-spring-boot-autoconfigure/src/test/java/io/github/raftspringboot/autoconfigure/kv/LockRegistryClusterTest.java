package io.github.raftspringboot.autoconfigure.kv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.integration.support.locks.LockRegistry;

import io.github.raftspringboot.api.RaftLocks;
import io.github.raftspringboot.autoconfigure.integration.RaftLockRegistry;
import io.github.raftspringboot.autoconfigure.integration.RaftRegistryLock;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spring Integration's LockRegistry on Raft locks, auto-configured, on a real 3-node cluster. */
class LockRegistryClusterTest {

    @Test
    void theRegistryLocksAcrossNodesAndIsReentrantForItsThread(@TempDir Path dir) throws Exception {
        try (RaftTestCluster cluster = RaftTestCluster.builder(App.class).nodes(3).stateDirectory(dir).start()) {
            cluster.awaitLeader();
            List<String> nodes = cluster.running();
            LockRegistry<?> registryA = cluster.bean(nodes.get(0), LockRegistry.class);
            LockRegistry<?> registryB = cluster.bean(nodes.get(1), LockRegistry.class);
            assertThat(registryA).isInstanceOf(RaftLockRegistry.class);

            RaftRegistryLock lockA = (RaftRegistryLock) registryA.obtain("orders");
            lockA.lock();
            lockA.lock();
            long token = lockA.fencingToken();
            assertThat(CompletableFuture.supplyAsync(() -> registryB.obtain("orders").tryLock()).get(30,
                    TimeUnit.SECONDS)).isFalse();
            assertThat(cluster.bean(nodes.get(2), RaftLocks.class).holder("orders")).get()
                .satisfies(holder -> assertThat(holder.fencingToken()).isEqualTo(token));
            lockA.unlock();
            assertThat(cluster.bean(nodes.get(2), RaftLocks.class).holder("orders")).isPresent();
            lockA.unlock();
            assertThat(cluster.bean(nodes.get(2), RaftLocks.class).holder("orders")).isEmpty();
            assertThatThrownBy(lockA::unlock).isInstanceOf(IllegalMonitorStateException.class);

            String result = registryB.executeLocked("orders", Duration.ofSeconds(10), () -> {
                assertThat(((RaftRegistryLock) registryB.obtain("orders")).fencingToken()).isGreaterThan(token);
                return "done";
            });
            assertThat(result).isEqualTo("done");
            assertThatThrownBy(() -> registryA.obtain(42)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty String");
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
