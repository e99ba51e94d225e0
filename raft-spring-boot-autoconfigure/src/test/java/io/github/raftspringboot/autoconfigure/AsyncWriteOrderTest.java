package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.WatchEvent;
import io.github.raftspringboot.api.WriteResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous writes made one after the other by one thread are applied in that order, also when they are the
 * node's first calls and its client session is still opening.
 */
class AsyncWriteOrderTest {

    @TempDir
    Path dir;

    @Test
    void writesFromOneThreadAreAppliedInCallOrderFromTheFirstCall() {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of())) {
            cluster.awaitLeader();
            String follower = cluster.anyFollower();
            List<WatchEvent> seen = new CopyOnWriteArrayList<>();
            RaftWatch watch = cluster.store(follower).watchKey("counter", 0, seen::add);
            AsyncRaftKeyValueStore store = cluster.store(follower).async();
            List<CompletableFuture<WriteResult>> writes = IntStream.range(0, 200)
                .mapToObj(i -> store.put("counter", i))
                .toList();
            List<Long> indexes = writes.stream().map(write -> write.join().index()).toList();
            // Writes called while others are in flight share entries (raft.write-batching), in call order.
            assertThat(indexes).isSorted();
            assertThat(cluster.store(follower).get("counter", Integer.class)).contains(199);
            await().until(() -> seen.size() >= 200);
            assertThat(seen.stream().map(event -> event.value().asInt()).toList())
                .isEqualTo(IntStream.range(0, 200).boxed().toList());
            watch.close();
        }
    }
}
