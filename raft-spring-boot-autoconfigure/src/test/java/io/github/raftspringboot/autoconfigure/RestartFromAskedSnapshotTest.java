package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.engine.RaftEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node restarted right after a snapshot asked for (one Atomix's compaction would not take: the log is one segment)
 * starts from it and serves every value again.
 */
class RestartFromAskedSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void aFollowerRestartedRightAfterAnAskedSnapshotServesEveryValue() {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of())) {
            String leader = cluster.awaitLeader();
            for (int i = 0; i < 50; i++) {
                cluster.store(leader).put("k" + i, "v" + i);
            }
            String follower = cluster.anyFollower();
            RaftEngine engine = (RaftEngine) cluster.node(follower);
            long written = ((RaftEngine) cluster.node(leader)).appliedIndex();
            await().atMost(Duration.ofSeconds(30)).until(() -> engine.appliedIndex() >= written);

            long snapshot = cluster.node(follower).snapshot().join();
            assertThat(snapshot).as("the asked snapshot").isGreaterThanOrEqualTo(written);

            cluster.stop(follower);
            cluster.startNode(follower);
            RaftEngine restarted = (RaftEngine) cluster.node(follower);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(restarted.appliedIndex()).as("applied on the restarted node")
                    .isGreaterThanOrEqualTo(snapshot);
                assertThat(cluster.store(follower).size(ReadConsistency.LOCAL)).isEqualTo(50);
            });
        }
    }
}
