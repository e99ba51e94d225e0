package io.github.raftspringboot.autoconfigure.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.event.EventListener;

import io.github.raftspringboot.api.RaftLeaderChangedEvent;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftRoleChangedEvent;
import io.github.raftspringboot.api.Suffrage;

/**
 * Gauges of the local node's Raft state and a count of the leaders it has learned of, each tagged with
 * {@code raft.node}. Gauges read {@link RaftNode#status()}, which makes no network call. See docs/metrics.md.
 */
final class RaftMetrics implements MeterBinder {

    private final RaftNode node;

    private final AtomicLong leaderChanges = new AtomicLong();

    private final AtomicLong elections = new AtomicLong();

    RaftMetrics(RaftNode node) {
        this.node = node;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("raft.node", node.nodeId());
        gauge(registry, tags, "raft.term", "The current term", RaftNodeStatus::term);
        gauge(registry, tags, "raft.commit.index", "The highest log index known to be committed",
                RaftNodeStatus::commitIndex);
        gauge(registry, tags, "raft.applied.index", "The highest log index applied to this node's state machine",
                RaftNodeStatus::appliedIndex);
        gauge(registry, tags, "raft.last.log.index", "The index of the last entry in this node's log",
                RaftNodeStatus::lastLogIndex);
        gauge(registry, tags, "raft.last.snapshot.index", "The index of the newest snapshot, 0 when none",
                RaftNodeStatus::lastSnapshotIndex);
        gauge(registry, tags, "raft.leader", "1 while this node is the leader, else 0",
                status -> (status.role() == RaftRole.LEADER) ? 1 : 0);
        gauge(registry, tags, "raft.voters", "Voting servers in the cluster configuration",
                status -> count(status, Suffrage.VOTER));
        gauge(registry, tags, "raft.nonvoters", "Non-voting servers in the cluster configuration",
                status -> count(status, Suffrage.NONVOTER) + count(status, Suffrage.STAGING));
        FunctionCounter.builder("raft.leader.changes", leaderChanges, AtomicLong::get)
            .description("Leaders this node has learned of (elections it saw complete)")
            .tags(tags)
            .register(registry);
        FunctionCounter.builder("raft.elections", elections, AtomicLong::get)
            .description("Elections this node started (times it became a candidate)")
            .tags(tags)
            .register(registry);
        for (RaftRole role : RaftRole.values()) {
            gauge(registry, tags.and("role", role.name().toLowerCase(Locale.ROOT)), "raft.role",
                    "1 for this node's current role, 0 for the others", status -> (status.role() == role) ? 1 : 0);
        }
        TimeGauge.builder("raft.leader.last.contact", node, TimeUnit.MILLISECONDS, RaftMetrics::millisSinceLeaderContact)
            .description("Time since this node last heard from the leader: 0 on the leader, NaN if never")
            .tags(tags)
            .strongReference(true)
            .register(registry);
    }

    /** Counts the elections this node starts. */
    @EventListener
    void onRoleChanged(RaftRoleChangedEvent event) {
        if (event.role() == RaftRole.CANDIDATE) {
            elections.incrementAndGet();
        }
    }

    private static double millisSinceLeaderContact(RaftNode node) {
        RaftNodeStatus status = node.status();
        if (status.role() == RaftRole.LEADER) {
            return 0;
        }
        if (status.lastContact() == null) {
            return Double.NaN;
        }
        return Math.max(0, Duration.between(status.lastContact(), status.timestamp()).toMillis());
    }

    /** Counts each newly known leader; a lost leader (an election starting) is not a change yet. */
    @EventListener
    void onLeaderChanged(RaftLeaderChangedEvent event) {
        if (event.leaderId() != null) {
            leaderChanges.incrementAndGet();
        }
    }

    private void gauge(MeterRegistry registry, Tags tags, String name, String description,
            ToDoubleFunction<RaftNodeStatus> value) {
        Gauge.builder(name, node, raftNode -> value.applyAsDouble(raftNode.status()))
            .description(description)
            .tags(tags)
            .strongReference(true)
            .register(registry);
    }

    private static long count(RaftNodeStatus status, Suffrage suffrage) {
        return status.servers().stream().filter(server -> server.suffrage() == suffrage).count();
    }
}
