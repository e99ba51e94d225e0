package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;

/**
 * {@code raft} health: UP while this node is part of a cluster with a leader it hears from; DOWN once it has been
 * without one for longer than the grace period (so a normal election does not flap the status), or when Raft is
 * not running here. Details: role, leader, term, commit and applied index and the gap between them.
 */
public class RaftHealthIndicator implements HealthIndicator {

    private final RaftNode node;

    private final Duration gracePeriod;

    private final Clock clock;

    /** When this node last had a leader it could reach; starts at creation so a starting node gets the grace. */
    private final AtomicReference<Instant> leaderLastKnown;

    public RaftHealthIndicator(RaftNode node, Duration gracePeriod) {
        this(node, gracePeriod, Clock.systemUTC());
    }

    RaftHealthIndicator(RaftNode node, Duration gracePeriod, Clock clock) {
        this.node = node;
        this.gracePeriod = gracePeriod;
        this.clock = clock;
        this.leaderLastKnown = new AtomicReference<>(clock.instant());
    }

    @Override
    public Health health() {
        RaftNodeStatus status = node.status();
        Instant now = clock.instant();
        Health.Builder health = Health.up()
            .withDetail("role", status.role().name())
            .withDetail("leader", (status.leader() != null) ? status.leader().id() : "none")
            .withDetail("term", status.term())
            .withDetail("commitIndex", status.commitIndex())
            .withDetail("appliedIndex", status.appliedIndex())
            .withDetail("applyLag", Math.max(0, status.commitIndex() - status.appliedIndex()));
        if (status.role() == RaftRole.SHUTDOWN) {
            return health.down().withDetail("reason", "Raft is not running on this node").build();
        }
        Instant lastKnown = leaderLastKnown(status, now);
        Duration without = Duration.between(lastKnown, now);
        if (without.compareTo(gracePeriod) <= 0) {
            return health.build();
        }
        String reason = (status.role() == RaftRole.INACTIVE)
                ? "This node is not a member of a cluster yet: add it on the leader (add-voter or add-nonvoter)"
                : "No reachable leader for " + without.toMillis() + " ms (grace period " + gracePeriod.toMillis()
                        + " ms): an election cannot complete, probably because a majority of voters is unreachable";
        return health.down().withDetail("reason", reason).build();
    }

    /** The latest moment this node had a leader it could reach, as far as it can tell now. */
    private Instant leaderLastKnown(RaftNodeStatus status, Instant now) {
        boolean reachable = status.role() == RaftRole.LEADER
                || (status.leader() != null && status.lastContact() != null
                        && Duration.between(status.lastContact(), now).compareTo(gracePeriod) <= 0);
        if (reachable) {
            leaderLastKnown.set(now);
            return now;
        }
        Instant contact = status.lastContact();
        return leaderLastKnown.accumulateAndGet((contact != null) ? contact : Instant.EPOCH,
                (known, heard) -> heard.isAfter(known) ? heard : known);
    }
}
