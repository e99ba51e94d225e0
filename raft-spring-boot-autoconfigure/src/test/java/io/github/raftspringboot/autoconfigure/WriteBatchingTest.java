package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WatchEvent;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.autoconfigure.kv.RaftKeyValueStoreAutoConfiguration;
import io.github.raftspringboot.engine.RaftEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Concurrent plain writes of a node go to the log in batches (raft.write-batching.*), on a live 3-node cluster:
 * each write still gets its own result, every node applies them in the order they were called, and a write that
 * cannot be batched (compare-and-set) keeps its place among them.
 */
class WriteBatchingTest {

    private static final int WRITES = 300;

    @TempDir
    Path dir;

    @Test
    void concurrentWritesThroughAFollowerShareEntriesAndKeepTheirOrder() {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of())) {
            cluster.awaitLeader();
            String follower = cluster.anyFollower();
            List<WatchEvent> seen = new CopyOnWriteArrayList<>();
            RaftWatch watch = cluster.store(cluster.awaitLeader()).watch("batch/", 0, seen::add);
            AsyncRaftKeyValueStore store = cluster.store(follower).async();

            List<WriteResult> results = writeAll(store);

            assertThat(results).allSatisfy(result -> assertThat(result.changed()).isTrue());
            List<Long> indexes = results.stream().map(WriteResult::index).toList();
            assertThat(indexes).isSorted();
            // Batched: fewer entries than writes (all but the first few wait behind the two in flight).
            assertThat(indexes.stream().distinct().count()).isLessThan(WRITES / 2);
            // Every node holds every write, and the watch saw them in call order.
            for (String node : cluster.ids()) {
                RaftKeyValueStore nodeStore = cluster.store(node);
                await().until(() -> nodeStore.size(ReadConsistency.LOCAL) >= WRITES + 1);
                assertThat(nodeStore.get("batch/key-299", ReadConsistency.LOCAL)).isPresent();
            }
            await().until(() -> seen.size() >= WRITES + 3);
            assertThat(seen.stream().map(WatchEvent::key).filter(key -> key.startsWith("batch/key-")).toList())
                .isEqualTo(IntStream.range(0, WRITES).mapToObj(i -> "batch/key-" + i).toList());
            // The compare-and-set called after them saw the last put, then the put after it saw its value.
            assertThat(cluster.store(follower).get("batch/counter", Integer.class)).contains(3);
            watch.close();
        }
    }

    @Test
    void withBatchingOffEachWriteIsAnEntryOfItsOwn() {
        try (TestCluster cluster = TestCluster.start(1, dir, Map.of("raft.write-batching.enabled", "false"))) {
            AsyncRaftKeyValueStore store = cluster.store(cluster.awaitLeader()).async();
            List<WriteResult> results = writeAll(store);
            assertThat(results.stream().map(WriteResult::index).distinct().count()).isEqualTo(results.size());
        }
    }

    @Test
    void aNodeWithNoRoomForAWriteInFlightFailsNamingTheProperty() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RaftAutoConfiguration.class, RaftKeyValueStoreAutoConfiguration.class))
            .withBean(RaftEngine.class, () -> mock(RaftEngine.class))
            .withPropertyValues("raft.node-id=node1", "raft.storage=memory", "raft.write-batching.writes-in-flight=0")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidRaftPropertyException.class)
                .hasMessageContaining("raft.write-batching.writes-in-flight"));
    }

    /** WRITES puts called at once from one thread, then a compare-and-set and a put; the puts' results in order. */
    private static List<WriteResult> writeAll(AsyncRaftKeyValueStore store) {
        store.put("batch/counter", 1).join();
        List<CompletableFuture<WriteResult>> writes = IntStream.range(0, WRITES)
            .mapToObj(i -> store.put("batch/key-" + i, i))
            .toList();
        CompletableFuture<WriteResult> cas = store.compareAndSet("batch/counter", 1, 2);
        CompletableFuture<WriteResult> after = store.put("batch/counter", 3);
        List<WriteResult> results = writes.stream().map(CompletableFuture::join).toList();
        assertThat(cas.join().changed()).isTrue();
        assertThat(after.join().index()).isGreaterThan(cas.join().index());
        assertThat(cas.join().index()).isGreaterThan(results.get(WRITES - 1).index());
        return results;
    }
}
