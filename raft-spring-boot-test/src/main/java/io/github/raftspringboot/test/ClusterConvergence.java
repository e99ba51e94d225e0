package io.github.raftspringboot.test;

import java.time.Duration;
import java.util.List;

import org.awaitility.core.ConditionTimeoutException;

import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;

import static org.awaitility.Awaitility.await;

/**
 * Waits for the running nodes of a {@link RaftTestCluster} to converge (one leader that every running member
 * follows; a log index applied everywhere), and describes every running node's status when they do not.
 */
final class ClusterConvergence {

    /** Generous: it costs nothing when the cluster converges, and a loaded 2-core machine needed over 30 s. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    private final RaftTestCluster cluster;

    ClusterConvergence(RaftTestCluster cluster) {
        this.cluster = cluster;
    }

    /** See {@link RaftTestCluster#awaitLeader(Duration)}. */
    String awaitLeader(Duration atMost) {
        try {
            return await().atMost(atMost).until(this::agreedLeader, leader -> leader != null);
        }
        catch (ConditionTimeoutException ex) {
            throw new AssertionError("No single leader followed by every running node within " + atMost + ":"
                    + describe(), ex);
        }
    }

    /** See {@link RaftTestCluster#awaitApplied(long)}. */
    void awaitApplied(long index) {
        try {
            await().atMost(DEFAULT_WAIT)
                .until(() -> cluster.running().stream()
                    .allMatch(id -> cluster.node(id).status().appliedIndex() >= index));
        }
        catch (ConditionTimeoutException ex) {
            throw new AssertionError("Not every running node applied index " + index + ":" + describe(), ex);
        }
    }

    /** See {@link RaftTestCluster#describe()}. */
    String describe() {
        StringBuilder text = new StringBuilder();
        for (String id : cluster.running()) {
            RaftNodeStatus status = cluster.node(id).status();
            text.append("\n  ").append(id).append(": ").append(status.role()).append(" term ").append(status.term())
                .append(", leader ").append(status.leader() != null ? status.leader().id() : "none")
                .append(", commit ").append(status.commitIndex()).append(", applied ").append(status.appliedIndex());
        }
        return text.toString();
    }

    private String agreedLeader() {
        List<String> running = cluster.running();
        List<String> leaders = running.stream()
            .filter(id -> cluster.node(id).status().role() == RaftRole.LEADER)
            .toList();
        if (leaders.size() != 1) {
            return null;
        }
        String leader = leaders.get(0);
        boolean followed = running.stream().map(id -> cluster.node(id).status())
            .filter(status -> status.role() != RaftRole.INACTIVE)
            .allMatch(status -> status.leader() != null && leader.equals(status.leader().id()));
        return followed ? leader : null;
    }
}
