package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follower that was down while the leader compacted its log past the follower's last entry gets the leader's
 * snapshot, pushed in chunks of 256 KB ({@link SnapshotPush}, not Atomix's 32 KB one at a time): it is written to the
 * follower's snapshot file chunk by chunk, never whole on the heap, checked, made durable with its checksum, and the
 * follower serves the whole state from it.
 */
class StreamedSnapshotInstallTest {

    private static final int KEYS = 1500;

    private static final String VALUE = "v".repeat(4000);

    @TempDir
    Path dir;

    @Test
    void aFollowerFarBehindReceivesTheLeadersSnapshotStreamedToDisk() throws IOException {
        int logged = ReceivedSnapshotLog.messages().size();
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of("raft.snapshot.segment-size", "64KB",
                "raft.limits.max-entry-size", "16KB"))) {
            String leader = cluster.awaitLeader();
            String follower = cluster.anyFollower();
            cluster.store(leader).put("before", "the outage");
            cluster.stop(follower);

            // About 6 MB of state: some 190 chunks for the install.
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (int i = 0; i < KEYS; i += 3) {
                // Three keys an entry (under the 16 KB entry limit), at most 32 entries in flight.
                Map<String, String> entries = new HashMap<>();
                for (int k = i; k < Math.min(i + 3, KEYS); k++) {
                    entries.put("k" + k, VALUE + k);
                }
                writes.add(cluster.store(leader).async().putAll(entries));
                if (writes.size() == 32) {
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
                    writes.clear();
                }
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
            cluster.store(leader).put("k-last", "done");
            long snapshotIndex = cluster.node(leader).snapshot().join();
            assertThat(snapshotIndex).isPositive();

            cluster.startNode(follower);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(cluster.store(follower).get("k-last", ReadConsistency.LOCAL)).isPresent();
                assertThat(cluster.store(follower).size(ReadConsistency.LOCAL)).isEqualTo(KEYS + 2);
            });
            assertThat(cluster.store(follower).get("k" + (KEYS - 1), ReadConsistency.LOCAL).map(v -> v.asText()))
                .contains(VALUE + (KEYS - 1));

            List<String> messages = ReceivedSnapshotLog.messages();
            List<String> installs = messages.subList(logged, messages.size());
            assertThat(installs).as("the follower received the leader's snapshot through ReceivedSnapshot")
                .anyMatch(message -> message.startsWith("Received snapshot "));
            long bytes = installs.stream()
                .filter(message -> message.startsWith("Received snapshot "))
                .mapToLong(message -> Long.parseLong(message.replaceAll(".*: (\\d+) bytes.*", "$1")))
                .max().orElseThrow();
            assertThat(bytes).as("the snapshot holds the whole state").isGreaterThan((long) KEYS * VALUE.length());
            assertThat(installs).as("the leader pushed chunks of 256 KB")
                .anyMatch(message -> message.startsWith("Received snapshot ")
                        && message.endsWith("in chunks of up to " + SnapshotPush.CHUNK_BYTES + " bytes"));
            try (Stream<Path> files = Files.walk(dir.resolve(follower))) {
                List<Path> snapshots = files.filter(f -> f.getFileName().toString().endsWith(".snapshot")).toList();
                assertThat(snapshots).isNotEmpty()
                    .allSatisfy(snapshot -> assertThat(SnapshotChecksums.checksumFile(snapshot)).exists());
                for (Path snapshot : snapshots) {
                    assertThat(SnapshotChecksums.recorded(snapshot)).isEqualTo(SnapshotChecksums.compute(snapshot));
                }
            }
        }
    }
}
