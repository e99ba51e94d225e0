package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follower that received the leader's snapshot, then lost its state (its directory deleted: the documented way to
 * rebuild a node) and came back under the same leader, gets the snapshot again and serves the whole state. Atomix's
 * leader remembers the snapshot it installed on a follower and sends it only once: without {@link SnapshotInstalls}
 * the rebuilt follower answered every append with an empty log and stayed behind for good.
 */
class RebuiltFollowerTest {

    private static final int KEYS = 600;

    private static final String VALUE = "v".repeat(1000);

    @TempDir
    Path dir;

    @Test
    void aFollowerRebuiltAfterASnapshotInstallGetsTheSnapshotAgain() throws IOException {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of("raft.snapshot.segment-size", "64KB",
                "raft.limits.max-entry-size", "16KB"))) {
            String leader = cluster.awaitLeader();
            String follower = cluster.anyFollower();
            cluster.stop(follower);
            write(cluster, leader, 0, KEYS);
            assertThat(cluster.node(leader).snapshot().join()).isPositive();

            // Behind the compacted log: it receives the snapshot, which the leader then counts as installed there.
            cluster.startNode(follower);
            awaitServes(cluster, follower, KEYS);

            // Nothing written meanwhile, so the leader has no newer snapshot that it would send anyway.
            cluster.stop(follower);
            deleteRecursively(dir.resolve(follower));
            cluster.startNode(follower);

            awaitServes(cluster, follower, KEYS);
            assertThat(cluster.currentLeader()).as("the leader throughout").contains(leader);
        }
    }

    private static void write(TestCluster cluster, String leader, int from, int to) {
        for (int i = from; i < to; i += 8) {
            Map<String, String> entries = new HashMap<>();
            for (int k = i; k < Math.min(i + 8, to); k++) {
                entries.put("k" + k, VALUE + k);
            }
            cluster.store(leader).putAll(entries);
        }
    }

    private static void awaitServes(TestCluster cluster, String follower, int keys) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(cluster.store(follower).size(ReadConsistency.LOCAL)).isEqualTo(keys);
            assertThat(cluster.store(follower).get("k" + (keys - 1), ReadConsistency.LOCAL).map(v -> v.asText()))
                .contains(VALUE + (keys - 1));
        });
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
