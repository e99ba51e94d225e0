package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;

/**
 * The {@code raft} health: UP while this node leads, or hears from a leader, or has been without one for no longer
 * than the grace period (so that a normal election does not make it flap); DOWN, with a reason, after that or when
 * Raft is not running here.
 */
class RaftHealthIndicator implements HealthIndicator {

    private final RaftNode node;

    private final LeaderContactTracker tracker;

    private final Duration gracePeriod;

    private final Clock clock;

    RaftHealthIndicator(RaftNode node, LeaderContactTracker tracker, Duration gracePeriod, Clock clock) {
        this.node = node;
        this.tracker = tracker;
        this.gracePeriod = gracePeriod;
        this.clock = clock;
    }

    @Override
    public Health health() {
        RaftNodeStatus status = node.status();
        Instant now = clock.instant();
        Map<String, Object> details = details(status);
        if (status.role() == RaftRole.SHUTDOWN) {
            return Health.down()
                .withDetails(details)
                .withDetail("reason", "Raft is not running on node '" + status.nodeId() + "'")
                .build();
        }
        if (status.role() == RaftRole.LEADER) {
            tracker.leaderSeen();
            return Health.up().withDetails(details).build();
        }
        Instant lastSeen = latest(status.lastContact(), tracker.lastLeaderSeen());
        Duration silence = Duration.between(lastSeen, now);
        if (silence.isNegative()) {
            silence = Duration.ZERO;
        }
        details.put("millisSinceLeaderContact", silence.toMillis());
        if (silence.compareTo(gracePeriod) <= 0) {
            return Health.up().withDetails(details).build();
        }
        return Health.down().withDetails(details).withDetail("reason", reason(status, silence)).build();
    }

    private String reason(RaftNodeStatus status, Duration silence) {
        String longer = " for " + silence.toMillis() + " ms, longer than raft.health.leader-grace-period ("
                + gracePeriod.toMillis() + " ms)";
        if (status.role() == RaftRole.INACTIVE) {
            return "Node '" + status.nodeId() + "' has not been part of a cluster" + longer
                    + ": add it on the leader (POST /actuator/raft/add-voter) or check raft.peers";
        }
        if (status.leader() != null) {
            return "No contact with leader '" + status.leader().id() + "'" + longer;
        }
        return "No leader" + longer + ": a majority of the voters may be down or unreachable";
    }

    private static Map<String, Object> details(RaftNodeStatus status) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("nodeId", status.nodeId());
        details.put("role", status.role());
        details.put("term", status.term());
        details.put("leader", (status.leader() != null) ? status.leader().id() : null);
        details.put("leaderAddress", (status.leader() != null) ? status.leader().address() : null);
        details.put("commitIndex", status.commitIndex());
        details.put("appliedIndex", status.appliedIndex());
        details.put("applyLag", Math.max(0, status.commitIndex() - status.appliedIndex()));
        return details;
    }

    private static Instant latest(Instant lastContact, Instant lastLeaderSeen) {
        return (lastContact != null && lastContact.isAfter(lastLeaderSeen)) ? lastContact : lastLeaderSeen;
    }
}
