package io.github.raftspringboot.autoconfigure.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
 * The node's Raft state as meters: term, log indexes, role, peers and leader contact read from
 * {@link RaftNode#status()} at scrape time; leader changes and elections counted from the node's events.
 */
final class RaftNodeMeterBinder implements MeterBinder {

    private final RaftNode node;

    private final AtomicLong leaderChanges = new AtomicLong();

    private final AtomicLong elections = new AtomicLong();

    RaftNodeMeterBinder(RaftNode node) {
        this.node = node;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "raft.term", "The current term", RaftNodeStatus::term);
        gauge(registry, "raft.log.commit.index", "The highest log index known to be committed",
                RaftNodeStatus::commitIndex);
        gauge(registry, "raft.log.applied.index", "The highest log index applied to the state machine",
                RaftNodeStatus::appliedIndex);
        gauge(registry, "raft.log.last.index", "The index of the last entry in this node's log",
                RaftNodeStatus::lastLogIndex);
        gauge(registry, "raft.log.apply.lag", "Committed entries not yet applied to the state machine",
                status -> Math.max(0, status.commitIndex() - status.appliedIndex()));
        gauge(registry, "raft.snapshot.last.index", "The log index the newest snapshot covers",
                RaftNodeStatus::lastSnapshotIndex);
        gauge(registry, "raft.configuration.index", "The log index of the current cluster configuration",
                RaftNodeStatus::configurationIndex);
        gauge(registry, "raft.leader", "1 when this node is the leader, else 0",
                status -> (status.role() == RaftRole.LEADER) ? 1 : 0);
        for (RaftRole role : RaftRole.values()) {
            Gauge.builder("raft.role", node, current -> (current.status().role() == role) ? 1 : 0)
                .description("1 for this node's current role, 0 for the others")
                .tag("role", role.name().toLowerCase(Locale.ROOT))
                .register(registry);
        }
        for (Suffrage suffrage : Suffrage.values()) {
            gauge(registry, "raft.peers", "Servers in the cluster configuration, by suffrage",
                    status -> status.servers().stream().filter(server -> server.suffrage() == suffrage).count(),
                    "suffrage", suffrage.name().toLowerCase(Locale.ROOT));
        }
        TimeGauge.builder("raft.leader.last.contact", node, TimeUnit.MILLISECONDS, RaftNodeMeterBinder::lastContact)
            .description("Time since this node last heard from the leader: 0 on the leader, NaN if never")
            .register(registry);
        FunctionCounter.builder("raft.leader.changes", leaderChanges, AtomicLong::get)
            .description("Times this node learnt of a new leader")
            .register(registry);
        FunctionCounter.builder("raft.elections", elections, AtomicLong::get)
            .description("Elections this node started (times it became a candidate)")
            .register(registry);
    }

    @EventListener
    void onLeaderChanged(RaftLeaderChangedEvent event) {
        if (event.leaderId() != null) {
            leaderChanges.incrementAndGet();
        }
    }

    @EventListener
    void onRoleChanged(RaftRoleChangedEvent event) {
        if (event.role() == RaftRole.CANDIDATE) {
            elections.incrementAndGet();
        }
    }

    private void gauge(MeterRegistry registry, String name, String description,
            ToDoubleFunction<RaftNodeStatus> value, String... tags) {
        Gauge.builder(name, node, current -> value.applyAsDouble(current.status()))
            .description(description)
            .tags(tags)
            .register(registry);
    }

    private static double lastContact(RaftNode node) {
        RaftNodeStatus status = node.status();
        if (status.role() == RaftRole.LEADER) {
            return 0;
        }
        if (status.lastContact() == null) {
            return Double.NaN;
        }
        return Math.max(0, Duration.between(status.lastContact(), status.timestamp()).toMillis());
    }
}
