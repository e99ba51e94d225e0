package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.ReadConsistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Automatic snapshots compact the log; a restarted node recovers from snapshot plus log and catches up. */
class SnapshotRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void restartedFollowerRecoversFromSnapshotAndLogAndCatchesUp() {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of("raft.snapshot.segment-size", "64KB", "raft.limits.max-entry-size", "16KB"))) {
            String leader = cluster.awaitLeader();
            String follower = cluster.anyFollower();
            for (int i = 0; i < 400; i++) {
                cluster.store(leader).async().put("k" + i, "v".repeat(500));
            }
            cluster.store(leader).put("k-last", "done");
            await().atMost(Duration.ofSeconds(40))
                .until(() -> cluster.ids().stream().allMatch(id -> cluster.node(id).status().lastSnapshotIndex() > 0));
            assertThat(cluster.node(leader).snapshot().join()).isPositive();

            cluster.stop(follower);
            for (int i = 400; i < 450; i++) {
                cluster.store(leader).put("k" + i, i);
            }
            cluster.startNode(follower);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(cluster.store(follower).size(ReadConsistency.LOCAL)).isEqualTo(451);
                assertThat(cluster.store(follower).get("k449", ReadConsistency.LOCAL)).isPresent();
            });
            assertThat(cluster.node(follower).status().lastSnapshotIndex()).isPositive();
        }
    }
}
