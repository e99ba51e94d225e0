package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftRole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that is its cluster's only voter leads as soon as it has started, without waiting out an election timeout
 * (docs/benchmarks.md, start-up); a node with other voters still waits for a majority of their votes. The election
 * timeout here is far longer than the time allowed, so a node that waited for it would fail the test.
 */
class SoleVoterStartTest {

    private static final Map<String, String> SLOW_ELECTIONS = Map.of("raft.election-timeout", "30s",
            "raft.session-timeout", "60s", "raft.shutdown-timeout", "10s");

    @TempDir
    Path dir;

    TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aOneNodeClusterLeadsAtOnceWhenStartedAndWhenRestarted() {
        cluster = TestCluster.start(1, dir, SLOW_ELECTIONS);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.node("node1").status().role() == RaftRole.LEADER);
        assertThat(cluster.store("node1").put("first", Map.of("write", 1)).index()).isPositive();

        // The restarted node reads its log from disk first (checked as on every start), then leads at once again.
        cluster.raft().restart("node1");
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.node("node1").status().role() == RaftRole.LEADER);
        assertThat(cluster.store("node1").get("first")).isPresent();
        assertThat(cluster.node("node1").status().term()).isGreaterThan(1);
    }

    @Test
    void aNodeOfAThreeNodeClusterStartedAloneDoesNotLead() {
        cluster = TestCluster.start(1, dir, Map.of());
        cluster.raft().stop("node1");
        cluster.raft().reserve("node2");
        cluster.raft().reserve("node3");
        // node2 bootstraps a cluster of node1, node2 and node3 on its own: no vote but its own can reach it.
        cluster.raft().start("node2");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
            .until(() -> cluster.node("node2").status().role() != RaftRole.LEADER);
        assertThat(cluster.node("node2").status().servers()).hasSize(3);
    }
}
