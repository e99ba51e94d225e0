package io.github.raftspringboot.engine.atomix;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restore stopped half-way, a snapshot taken then (on disk, by Atomix), the node restarted from it: the staged
 * bytes come back from the snapshot file and the restore finishes. Had they been lost, the commit would fail as
 * "incomplete" (on a follower: silently, leaving it with the old state).
 */
class RestoreAcrossSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void stagedBytesSurviveASnapshotAndARestart() {
        try (TestCluster cluster = TestCluster.start(1, dir, Map.of("raft.limits.max-entry-size", "16KB",
                "raft.snapshot.segment-size", "64KB"), "solo")) {
            String id = cluster.awaitLeader();
            cluster.store(id).put("before", "the restore");
            StringBuilder json = new StringBuilder("{");
            for (int i = 0; i < 40; i++) {
                json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"").append("v".repeat(4000))
                    .append(i).append('"');
            }
            byte[] state = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
            int chunk = BackupRestore.chunkSize(16 * 1024);
            int chunks = (state.length + chunk - 1) / chunk;
            String restore = "half-way";

            AtomixRaftEngine engine = (AtomixRaftEngine) cluster.node(id);
            engine.restoreStep(StagedRestore.BEGIN, RestoreEntries.beginEntry(restore, state)).join();
            long staged = 0;
            for (int i = 0; i < chunks / 2; i++) {
                staged = engine.restoreStep(StagedRestore.CHUNK,
                        RestoreEntries.chunkEntry(restore, i, state, i * chunk, chunk)).join();
            }
            assertThat(engine.snapshot().join()).as("a snapshot holds the staged chunks").isGreaterThanOrEqualTo(staged);
            cluster.stop(id);
            cluster.startNode(id);
            AtomixRaftEngine restarted = (AtomixRaftEngine) cluster.node(id);
            cluster.awaitLeader();
            // A restarted node applies its log again after the election: wait for it rather than read too early.
            await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(cluster.store(id).get("before", ReadConsistency.LOCAL)).isPresent());

            for (int i = chunks / 2; i < chunks; i++) {
                restarted.restoreStep(StagedRestore.CHUNK, RestoreEntries.chunkEntry(restore, i, state, i * chunk,
                        Math.min(chunk, state.length - i * chunk))).join();
            }
            long committed = restarted.restoreStep(StagedRestore.COMMIT, RestoreEntries.commitEntry(restore)).join();

            await().atMost(Duration.ofSeconds(60)).until(() -> restarted.appliedIndex() >= committed);
            assertThat(cluster.store(id).get("before", ReadConsistency.LOCAL)).isEmpty();
            assertThat(cluster.store(id).size(ReadConsistency.LOCAL)).isEqualTo(40);
            assertThat(cluster.store(id).get("k39", String.class)).contains("v".repeat(4000) + 39);
        }
    }
}
