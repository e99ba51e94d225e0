package io.github.raftspringboot.autoconfigure.disk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Damaged files on a real node's disk (a 3-node cluster, state in a temporary directory): the node either recovers
 * without losing an acknowledged write, or refuses to start with a failure analysis that names the file and says how
 * to rebuild the node. Every write the cluster acknowledged is then read back from every node, and once more after
 * the leader is stopped, so that a write kept by only one node would be noticed.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiskFaultTest {

    @TempDir
    Path dir;

    @Test
    void aFollowersLogTornInItsLastEntryIsCutAndRefetched(CapturedOutput output) throws Exception {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of())) {
            String leader = cluster.awaitLeader();
            Map<String, String> acknowledged = write(cluster, leader, 0, 200);
            String follower = cluster.anyFollower();
            cluster.stop(follower);
            StateFiles.tearLastEntry(StateFiles.lastSegment(dir.resolve(follower)));
            acknowledged.putAll(write(cluster, leader, 200, 220));

            cluster.startNode(follower);

            assertThat(output).contains("Raft node '" + follower + "': the log segment").contains("Cutting them off");
            assertEveryNodeHas(cluster, acknowledged);
            assertSurvivesLeaderStop(cluster, acknowledged);
        }
    }

    @Test
    void flippedBytesInTheLastEntriesOfTheOldLeadersLogAreCutAndRefetched(CapturedOutput output) throws Exception {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of())) {
            String leader = cluster.awaitLeader();
            Map<String, String> acknowledged = write(cluster, leader, 0, 200);
            cluster.stop(leader);
            StateFiles.flipLastEntries(StateFiles.lastSegment(dir.resolve(leader)), 3);
            String newLeader = cluster.awaitLeader();
            acknowledged.putAll(write(cluster, newLeader, 200, 220));

            cluster.startNode(leader);

            assertThat(output).contains("Raft node '" + leader + "': the log segment").contains("Cutting them off");
            assertEveryNodeHas(cluster, acknowledged);
            assertSurvivesLeaderStop(cluster, acknowledged);
        }
    }

    @Test
    void aCorruptedSnapshotStopsTheStartAndTheDocumentedRebuildRestoresTheNode(CapturedOutput output)
            throws Exception {
        Map<String, String> small = Map.of("raft.snapshot.segment-size", "64KB", "raft.limits.max-entry-size", "16KB");
        try (TestCluster cluster = TestCluster.start(3, dir, small)) {
            String leader = cluster.awaitLeader();
            Map<String, String> acknowledged = write(cluster, leader, 0, 300);
            String follower = cluster.anyFollower();
            // Taken now rather than awaited (Atomix looks for a snapshot to take every 10 s only).
            assertThat(cluster.node(follower).snapshot().get(30, TimeUnit.SECONDS)).isPositive();
            assertThat(cluster.node(follower).status().lastSnapshotIndex()).isPositive();
            cluster.stop(follower);
            Path stateDir = dir.resolve(follower);
            Path snapshot = StateFiles.snapshot(stateDir);
            assertThat(Files.exists(snapshot.resolveSibling(snapshot.getFileName() + ".crc32c"))).isTrue();
            StateFiles.flip(snapshot, Files.size(snapshot) / 2);

            assertThatThrownBy(() -> cluster.startNode(follower)).isNotNull();
            assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("The Raft state directory " + stateDir + " is damaged: " + snapshot)
                .contains("does not match the one recorded")
                .contains("RaftAdmin RemoveServer " + follower)
                .contains("raft.bootstrap=false");

            // The rebuild the analysis describes.
            Files.move(stateDir, dir.resolve(follower + ".damaged"));
            cluster.node(leader).removeServer(follower, 0).get();
            acknowledged.putAll(write(cluster, leader, 300, 320));
            cluster.startNode(follower, Map.of("raft.bootstrap", "false"));
            cluster.node(leader).addVoter(follower, cluster.raft().raftAddress(follower), 0).get();

            assertEveryNodeHas(cluster, acknowledged);
            assertSurvivesLeaderStop(cluster, acknowledged);
        }
    }

    @Test
    void damageBeforeTheLastSegmentStopsTheStart(CapturedOutput output) throws Exception {
        // Snapshots are deferred for 10 s and more, so the node stops with several segments in place.
        Map<String, String> small = Map.of("raft.snapshot.segment-size", "64KB", "raft.limits.max-entry-size", "16KB");
        try (TestCluster cluster = TestCluster.start(3, dir, small)) {
            String leader = cluster.awaitLeader();
            write(cluster, leader, 0, 300);
            String follower = cluster.anyFollower();
            cluster.stop(follower);
            var segments = StateFiles.segments(dir.resolve(follower));
            assertThat(segments).hasSizeGreaterThan(1);
            Path damaged = segments.get(segments.size() - 2);
            StateFiles.flipLastEntries(damaged, 1);

            assertThatThrownBy(() -> cluster.startNode(follower)).isNotNull();
            assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("is damaged: " + damaged)
                .contains("but the next segment");
        }
    }

    @Test
    void loweringTheEntrySizeLimitBelowAStoredEntryStopsTheStart(CapturedOutput output) throws Exception {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of("raft.limits.max-entry-size", "64KB"))) {
            String leader = cluster.awaitLeader();
            cluster.store(leader).put("big", "b".repeat(40_000));
            Map<String, String> acknowledged = write(cluster, leader, 0, 10);
            String follower = cluster.anyFollower();
            assertEveryNodeHas(cluster, acknowledged);
            cluster.stop(follower);

            // Atomix would take the first larger entry for the end of the log and drop it and everything after it.
            assertThatThrownBy(() -> cluster.startNode(follower, Map.of("raft.limits.max-entry-size", "16KB")))
                .isNotNull();
            assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("larger than raft.limits.max-entry-size (16384 bytes)")
                .contains("Set raft.limits.max-entry-size back to at least");

            cluster.startNode(follower);
            assertEveryNodeHas(cluster, acknowledged);
        }
    }

    static Map<String, String> write(TestCluster cluster, String leader, int from, int to) {
        Map<String, String> acknowledged = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            String value = "value-" + i + "-" + "x".repeat(200);
            cluster.store(leader).put("key" + i, value);
            acknowledged.put("key" + i, value);
        }
        return acknowledged;
    }

    /** Every running node has applied every acknowledged write (read from its own copy). */
    static void assertEveryNodeHas(TestCluster cluster, Map<String, String> acknowledged) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : cluster.running()) {
                for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                    assertThat(cluster.store(id).get(write.getKey(), ReadConsistency.LOCAL).map(JsonNode::asString))
                        .as("%s on %s", write.getKey(), id)
                        .contains(write.getValue());
                }
            }
        });
    }

    /** Without the leader, the two other nodes (one of them the repaired one) still serve every write. */
    static void assertSurvivesLeaderStop(TestCluster cluster, Map<String, String> acknowledged) {
        cluster.stop(cluster.awaitLeader());
        String leader = cluster.awaitLeader();
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            assertThat(cluster.store(leader).get(write.getKey()).map(JsonNode::asString)).contains(write.getValue());
        }
    }
}
