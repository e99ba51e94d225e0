package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Clock;
import java.time.Instant;

import org.springframework.context.event.EventListener;

import io.github.raftspringboot.api.RaftLeaderChangedEvent;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftRoleChangedEvent;

/**
 * Remembers when this node last knew a working leader, from the node's events: the moment it learnt of one, or
 * stopped being one. Together with the engine's last-contact time this tells how long the node has been leaderless
 * even when nobody asked for its health in between.
 */
class LeaderContactTracker {

    private final Clock clock;

    private volatile Instant lastLeaderSeen;

    LeaderContactTracker(Clock clock) {
        this.clock = clock;
        // Start-up counts as contact: a node gets one grace period to find its cluster.
        this.lastLeaderSeen = clock.instant();
    }

    @EventListener
    void onLeaderChanged(RaftLeaderChangedEvent event) {
        if (event.leaderId() != null) {
            leaderSeen();
        }
    }

    @EventListener
    void onRoleChanged(RaftRoleChangedEvent event) {
        if (event.previousRole() == RaftRole.LEADER || event.role() == RaftRole.LEADER) {
            leaderSeen();
        }
    }

    void leaderSeen() {
        lastLeaderSeen = clock.instant();
    }

    Instant lastLeaderSeen() {
        return lastLeaderSeen;
    }
}
