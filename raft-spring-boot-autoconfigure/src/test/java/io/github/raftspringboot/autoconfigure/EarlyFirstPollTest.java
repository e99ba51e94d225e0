package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes that start together poll each other a moment after they start, in turn by their ids, instead of waiting out
 * their first election timer (docs/startup.md). The election timeout here (30 s) is longer than the time allowed: a
 * cluster whose nodes waited for their timers would have no leader in time.
 */
class EarlyFirstPollTest {

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
    void aClusterStartedTogetherElectsBeforeAnyElectionTimerRunsOut() {
        cluster = TestCluster.start(3, dir, SLOW_ELECTIONS);
        String leader = cluster.raft().awaitLeader(Duration.ofSeconds(25));
        assertThat(cluster.store(leader).put("first", Map.of("write", 1)).index()).isPositive();
        // One election did it: a poll is not a vote, so no term was spent on polls that found no majority.
        assertThat(cluster.node(leader).status().term()).isEqualTo(1);
    }

    @Test
    void aRestartedFollowerDoesNotUnseatTheLeader() {
        cluster = TestCluster.start(3, dir, SLOW_ELECTIONS);
        String leader = cluster.raft().awaitLeader(Duration.ofSeconds(25));
        long term = cluster.node(leader).status().term();
        String follower = cluster.raft().ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();

        // The restarted node polls early too; its peers, who hear from their leader, refuse it.
        cluster.raft().restart(follower);
        await().atMost(Duration.ofSeconds(25)).until(() -> cluster.node(follower).status().leader() != null);
        assertThat(cluster.node(follower).status().role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(cluster.node(leader).status().role()).isEqualTo(RaftRole.LEADER);
        assertThat(cluster.node(leader).status().term()).isEqualTo(term);
    }

    @Test
    void whenTheFirstVoterInTurnIsDownTheNextOneIsElectedBeforeAnyElectionTimer() {
        try (RaftTestCluster raft = RaftTestCluster.builder(TestCluster.NodeApplication.class)
            .nodes(3)
            .stateDirectory(dir)
            .properties(SLOW_ELECTIONS)
            .withNetworkFaults()
            .start()) {
            String first = raft.awaitLeader(Duration.ofSeconds(25));
            raft.awaitApplied(raft.store(first).put("before", Map.of("crash", 1)).index());
            // Crashed, not stopped: a leader stopped gracefully hands its leadership over to a peer.
            raft.ids().forEach(raft::kill);

            // node1 polls first and holds back the others' polls at start: without it, node2 (second in turn)
            // polls at 15-18 s and node3, last in turn, lets it through; no election timer (30-45 s) is needed.
            raft.start("node2");
            raft.start("node3");
            assertThat(raft.awaitLeader(Duration.ofSeconds(25))).isEqualTo("node2");
        }
    }
}
