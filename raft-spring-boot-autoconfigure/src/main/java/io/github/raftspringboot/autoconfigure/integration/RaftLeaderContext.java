package io.github.raftspringboot.autoconfigure.integration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.integration.leader.Context;

import io.github.raftspringboot.api.RaftNode;

/** Spring Integration's view of Raft leadership: leader now, and yielding hands leadership to another voter. */
final class RaftLeaderContext implements Context {

    private static final Logger logger = LoggerFactory.getLogger(RaftLeaderContext.class);

    private final RaftNode node;

    private final String role;

    RaftLeaderContext(RaftNode node, String role) {
        this.node = node;
        this.role = role;
    }

    @Override
    public boolean isLeader() {
        return node.isLeader();
    }

    /** Transfers leadership to the most up-to-date other voter; a one-node cluster keeps it (logged). */
    @Override
    public void yield() {
        node.transferLeadership().whenComplete((index, error) -> {
            if (error != null) {
                logger.warn("Could not yield Raft leadership of {}: {}", node.nodeId(), error.getMessage());
            }
        });
    }

    @Override
    public String getRole() {
        return role;
    }

    @Override
    public String toString() {
        return "RaftLeaderContext{node=" + node.nodeId() + ", role=" + role + ", leader=" + isLeader() + "}";
    }
}
