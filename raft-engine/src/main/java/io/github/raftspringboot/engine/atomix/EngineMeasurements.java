package io.github.raftspringboot.engine.atomix;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.atomix.protocols.raft.cluster.impl.RaftMemberContext;
import io.atomix.protocols.raft.impl.RaftContext;

import io.github.raftspringboot.engine.RaftMetricsSource;
import io.github.raftspringboot.engine.RaftMetricsSource.OperationStats;

/**
 * The running totals behind {@link RaftMetricsSource}, fed by the engine's hooks: snapshot writes and installs, the
 * follower's durable appends, and the leader's applied entries.
 */
final class EngineMeasurements {

    private final Totals snapshots = new Totals();

    private final Totals appends = new Totals();

    private final Totals commits = new Totals();

    private final Totals leaderSyncs = new Totals();

    private final AtomicLong lastSnapshotSize = new AtomicLong();

    /** Entries above this index were appended by this node as leader; {@link Long#MAX_VALUE} when not leading. */
    private volatile long leaderSinceIndex = Long.MAX_VALUE;

    void snapshotWritten(long nanos, long sizeBytes) {
        snapshots.add(nanos);
        lastSnapshotSize.set(sizeBytes);
    }

    void snapshotInstalled(long sizeBytes) {
        lastSnapshotSize.set(sizeBytes);
    }

    void appended(long nanos) {
        appends.add(nanos);
    }

    /** The leader synced its log while its entries went out to the followers ({@link LeaderLogSync}). */
    void leaderLogSynced(long nanos) {
        leaderSyncs.add(nanos);
    }

    OperationStats leaderSyncs() {
        return leaderSyncs.stats();
    }

    /** Called on the Raft thread when this node becomes leader ({@code lastLogIndex}) or stops leading (-1). */
    void leading(long lastLogIndex) {
        leaderSinceIndex = (lastLogIndex < 0) ? Long.MAX_VALUE : lastLogIndex;
    }

    /** An entry was applied: on the leader, one of its own entries has gone from append to commit. */
    void applied(long index, long appendedAtMillis) {
        if (index > leaderSinceIndex) {
            long millis = Math.max(0, System.currentTimeMillis() - appendedAtMillis);
            commits.add(TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    OperationStats snapshots() {
        return snapshots.stats();
    }

    OperationStats appends() {
        return appends.stats();
    }

    OperationStats commits() {
        return commits.stats();
    }

    long lastSnapshotSize() {
        return lastSnapshotSize.get();
    }

    /** Atomix keeps its member states in a copy-on-write list, so any thread may read them. */
    static Map<String, Long> matchIndexes(RaftContext context) {
        if (context == null || !context.isLeader()) {
            return Map.of();
        }
        Map<String, Long> indexes = new LinkedHashMap<>();
        for (RaftMemberContext member : context.getCluster().getRemoteMemberStates()) {
            indexes.put(member.getMember().memberId().id(), member.getMatchIndex());
        }
        return indexes;
    }

    /** A count and a total that readers see consistently. */
    private static final class Totals {

        private long count;

        private long totalNanos;

        synchronized void add(long nanos) {
            count++;
            totalNanos += nanos;
        }

        synchronized OperationStats stats() {
            return new OperationStats(count, totalNanos);
        }
    }
}
