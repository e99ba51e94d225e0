package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.WriteResult;

import static org.assertj.core.api.Assertions.assertThat;

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
            AsyncRaftKeyValueStore store = cluster.store(follower).async();
            List<CompletableFuture<WriteResult>> writes = IntStream.range(0, 200)
                .mapToObj(i -> store.put("counter", i))
                .toList();
            List<Long> indexes = writes.stream().map(write -> write.join().index()).toList();
            assertThat(indexes).isSorted().doesNotHaveDuplicates();
            assertThat(cluster.store(follower).get("counter", Integer.class)).contains(199);
        }
    }
}
