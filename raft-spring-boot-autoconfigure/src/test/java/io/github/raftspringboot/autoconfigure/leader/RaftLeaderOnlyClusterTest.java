package io.github.raftspringboot.autoconfigure.leader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftLeaderOnly;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code @RaftLeaderOnly} on a real 3-node cluster: scheduled work follows the leader through two transfers. */
class RaftLeaderOnlyClusterTest {

    /** When each node's job started (System.nanoTime), by node id: the nodes share this JVM. */
    private static final Map<String, Queue<Long>> runs = new ConcurrentHashMap<>();

    /** A call that passed the leader check just before its node stepped down may record a moment later. */
    private static final Duration STRAGGLER_GRACE = Duration.ofSeconds(1);

    @Test
    void scheduledWorkRunsOnTheLeaderOnlyAndFollowsItThroughTwoTransfers(@TempDir Path dir) {
        runs.clear();
        try (RaftTestCluster cluster = RaftTestCluster.builder(LeaderJobApplication.class).nodes(3)
            .stateDirectory(dir)
            .start()) {
            Set<String> leaders = new LinkedHashSet<>();
            String leader = cluster.awaitLeader();
            for (int phase = 0; phase < 3; phase++) {
                leaders.add(leader);
                long from = System.nanoTime();
                String current = leader;
                await().atMost(Duration.ofSeconds(30)).until(() -> runsSince(current, from) >= 5);
                long to = System.nanoTime();
                for (String other : cluster.running()) {
                    if (!other.equals(leader)) {
                        assertThat(runsBetween(other, from + STRAGGLER_GRACE.toNanos(), to))
                            .as("runs of the job on follower %s while %s leads", other, leader)
                            .isZero();
                        assertThat(runsBetween(other, from, to)).as("stragglers on %s", other).isLessThanOrEqualTo(1);
                    }
                }
                assertThat(cluster.bean(leader, LeaderJob.class).whoLeads()).isEqualTo(leader);
                String follower = cluster.followers().get(0);
                assertThatThrownBy(() -> cluster.bean(follower, LeaderJob.class).whoLeads())
                    .isInstanceOfSatisfying(RaftException.class, ex -> {
                        assertThat(ex.reason()).isEqualTo(RaftException.Reason.NOT_LEADER);
                        assertThat(ex.leaderId()).isEqualTo(current);
                    })
                    .hasMessageContaining("runs on the Raft leader only");
                if (phase < 2) {
                    String next = cluster.running().stream().filter(id -> !leaders.contains(id)).findFirst()
                        .orElseThrow();
                    RaftFutures.await(cluster.node(leader).transferLeadership(next), Duration.ofSeconds(30));
                    await().atMost(Duration.ofSeconds(30)).until(() -> next.equals(cluster.awaitLeader()));
                    leader = next;
                }
            }
            assertThat(leaders).hasSize(3);
        }
    }

    private static long runsSince(String node, long from) {
        return runsBetween(node, from, Long.MAX_VALUE);
    }

    private static long runsBetween(String node, long from, long to) {
        List<Long> starts = new ArrayList<>(runs.getOrDefault(node, new ConcurrentLinkedQueue<>()));
        return starts.stream().filter(start -> start - from >= 0 && to - start >= 0).count();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableScheduling
    static class LeaderJobApplication {

        @Bean
        LeaderJob leaderJob(Environment environment) {
            return new LeaderJob(environment.getRequiredProperty("raft.node-id"));
        }
    }

    /** A job the cluster should run once, not once per node. */
    static class LeaderJob {

        private final String nodeId;

        LeaderJob(String nodeId) {
            this.nodeId = nodeId;
        }

        @Scheduled(fixedDelay = 20)
        @RaftLeaderOnly
        public void run() {
            runs.computeIfAbsent(nodeId, id -> new ConcurrentLinkedQueue<>()).add(System.nanoTime());
        }

        @RaftLeaderOnly(verify = true)
        public String whoLeads() {
            return nodeId;
        }
    }
}
