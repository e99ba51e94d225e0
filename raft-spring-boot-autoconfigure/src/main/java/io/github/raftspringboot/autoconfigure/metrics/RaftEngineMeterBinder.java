package io.github.raftspringboot.autoconfigure.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftOperationProgress;
import io.github.raftspringboot.engine.RaftMetricsSource;
import io.github.raftspringboot.engine.RaftMetricsSource.OperationStats;

/**
 * The meters fed by a {@link RaftMetricsSource}: snapshot, log append and commit timers, snapshot size, and on the
 * leader the replication lag of every follower. The set of followers is refreshed periodically.
 */
final class RaftEngineMeterBinder implements MeterBinder, DisposableBean {

    private static final Logger logger = LoggerFactory.getLogger(RaftEngineMeterBinder.class);

    private final RaftMetricsSource source;

    private final RaftNode node;

    private final Duration refreshInterval;

    private ScheduledExecutorService refresher;

    RaftEngineMeterBinder(RaftMetricsSource source, RaftNode node, Duration refreshInterval) {
        this.source = source;
        this.node = node;
        this.refreshInterval = refreshInterval;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("raft.node", node.nodeId());
        timer(registry, tags, "raft.snapshot", "Snapshots taken by this node", RaftMetricsSource::snapshots);
        timer(registry, tags, "raft.log.append", "On a follower: batches of entries from the leader, from receipt until durable",
                RaftMetricsSource::logAppends);
        timer(registry, tags, "raft.log.commit", "On the leader: its entries from append to commit",
                RaftMetricsSource::commits);
        timer(registry, tags, "raft.log.leader.sync",
                "On the leader: fsyncs of its log started as its entries go out to the followers",
                RaftMetricsSource::leaderLogSyncs);
        Gauge.builder("raft.snapshot.size", source, RaftMetricsSource::lastSnapshotSizeBytes)
            .description("Size of the state in this node's newest snapshot")
            .baseUnit(BaseUnits.BYTES)
            .tags(tags)
            .register(registry);
        MultiGauge lag = MultiGauge.builder("raft.replication.lag")
            .description("On the leader: log entries a follower is behind the leader's last log index")
            .tags(tags)
            .register(registry);
        MultiGauge matchIndex = MultiGauge.builder("raft.replication.match.index")
            .description("On the leader: the highest log index known to be replicated to a follower")
            .tags(tags)
            .register(registry);
        MultiGauge operations = MultiGauge.builder("raft.operation.progress")
            .description("Backups, restores and snapshots under way on this node: the fraction of the current phase "
                    + "done (0 to 1; NaN while a state of unknown size is written)")
            .tags(tags)
            .register(registry);
        refresher().scheduleWithFixedDelay(() -> {
            refreshPeers(lag, matchIndex);
            refreshOperations(operations);
        }, 0, refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One thread for every registry this binder is bound to. */
    private synchronized ScheduledExecutorService refresher() {
        if (refresher == null) {
            refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "raft-metrics-" + node.nodeId());
                thread.setDaemon(true);
                return thread;
            });
        }
        return refresher;
    }

    private void refreshPeers(MultiGauge lag, MultiGauge matchIndex) {
        try {
            List<String> peers = List.copyOf(source.replicationMatchIndexes().keySet());
            lag.register(peers.stream()
                .map(peer -> MultiGauge.Row.of(Tags.of("peer", peer), this, binder -> binder.lag(peer)))
                .toList(), true);
            matchIndex.register(peers.stream()
                .map(peer -> MultiGauge.Row.of(Tags.of("peer", peer), this, binder -> binder.matchIndex(peer)))
                .toList(), true);
        }
        catch (RuntimeException ex) {
            logger.warn("Could not refresh the replication meters of Raft node '{}'", node.nodeId(), ex);
        }
    }

    /** One row per kind of operation under way (the oldest of a kind), tagged with its kind and phase. */
    private void refreshOperations(MultiGauge operations) {
        try {
            Map<String, RaftOperationProgress> byKind = new LinkedHashMap<>();
            node.operationsInProgress().forEach(operation -> byKind.putIfAbsent(operation.kind(), operation));
            operations.register(byKind.values()
                .stream()
                .map(operation -> MultiGauge.Row.of(Tags.of("operation", operation.kind(), "phase", operation.phase()),
                        this, binder -> binder.fractionDone(operation.kind())))
                .toList(), true);
        }
        catch (RuntimeException ex) {
            logger.warn("Could not refresh the operation meters of Raft node '{}'", node.nodeId(), ex);
        }
    }

    private double fractionDone(String kind) {
        return node.operationsInProgress()
            .stream()
            .filter(operation -> operation.kind().equals(kind))
            .findFirst()
            .map(operation -> (operation.total() < 0) ? Double.NaN
                    : (operation.total() == 0) ? 1.0 : (double) operation.done() / operation.total())
            .orElse(Double.NaN);
    }

    private double matchIndex(String peer) {
        Long index = source.replicationMatchIndexes().get(peer);
        return (index != null) ? index : Double.NaN;
    }

    private double lag(String peer) {
        Map<String, Long> indexes = source.replicationMatchIndexes();
        Long index = indexes.get(peer);
        return (index != null) ? Math.max(0, node.status().lastLogIndex() - index) : Double.NaN;
    }

    private void timer(MeterRegistry registry, Tags tags, String name, String description,
            Function<RaftMetricsSource, OperationStats> stats) {
        FunctionTimer.builder(name, source, current -> stats.apply(current).count(),
                current -> stats.apply(current).totalTimeNanos(), TimeUnit.NANOSECONDS)
            .description(description)
            .tags(tags)
            .register(registry);
    }

    @Override
    public synchronized void destroy() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
