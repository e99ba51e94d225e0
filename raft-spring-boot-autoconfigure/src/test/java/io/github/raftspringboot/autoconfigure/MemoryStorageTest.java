package io.github.raftspringboot.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.ReadConsistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** raft.storage=memory keeps nothing in the state directory and leaves no file behind once stopped. */
class MemoryStorageTest {

    @TempDir
    Path dir;

    @Test
    void replicatesAndLeavesNoFilesBehind() throws IOException {
        // Unique ids, so that scratch directories of other tests running on this machine are not counted.
        String prefix = "mem" + Long.toHexString(System.nanoTime());
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of("raft.storage", "memory",
                "raft.snapshot.segment-size", "64KB", "raft.limits.max-entry-size", "16KB"), prefix)) {
            String leader = cluster.awaitLeader();
            for (int i = 0; i < 100; i++) {
                cluster.store(leader).put("k" + i, "v".repeat(1000));
            }
            for (String id : cluster.ids()) {
                await().until(() -> cluster.store(id).size(ReadConsistency.LOCAL) == 100);
            }
            assertThat(dir).isEmptyDirectory();
            assertThat(scratchDirectories(prefix)).isEqualTo(3);
        }
        assertThat(dir).isEmptyDirectory();
        assertThat(scratchDirectories(prefix)).isZero();
    }

    private static long scratchDirectories(String idPrefix) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(path -> path.getFileName().toString().startsWith("raft-memory-" + idPrefix)).count();
        }
    }
}
