package io.github.raftspringboot.engine;

import java.util.Map;

/**
 * Engine measurements that {@link io.github.raftspringboot.api.RaftNode#status()} does not carry, for the Micrometer
 * meters of docs/metrics.md. Every {@link RaftEngine} provides them; the meters are registered for any bean of this
 * type. Every method is called at scrape time, from any thread: they are cheap and never block.
 */
public interface RaftMetricsSource {

    /**
     * On the leader: for every other server of the configuration, the highest log index known to be replicated
     * to it (its match index). Empty on any other node.
     */
    Map<String, Long> replicationMatchIndexes();

    /** The snapshots this node has written since it started: how many, and the time they took in total. */
    OperationStats snapshots();

    /**
     * The size in bytes of the state in this node's newest snapshot, whether this node wrote it or installed it from
     * the leader; 0 before the first one since start.
     */
    long lastSnapshotSizeBytes();

    /**
     * On a follower: the batches of entries it received from the leader, each from receipt until written to its log
     * and durable (the fsync before it acknowledges). The leader's own entries become durable when they commit, so
     * they are part of {@link #commits()}.
     */
    OperationStats logAppends();

    /**
     * On the leader: the entries it appended in its current term, each from append to commit (taken when the entry
     * is applied, from the entry's millisecond time stamp, so single values are coarse but the mean is unbiased).
     */
    OperationStats commits();

    /**
     * On the leader: the syncs of its log started as it sends entries to its followers, so that its own fsync runs
     * while theirs do (writes sent meanwhile share one), each from start until durable. None with memory storage, or
     * for an engine that does not sync that way.
     */
    default OperationStats leaderLogSyncs() {
        return OperationStats.NONE;
    }

    /**
     * A monotonically growing count and the total time of those events.
     *
     * @param count          how many events
     * @param totalTimeNanos their total duration in nanoseconds
     */
    record OperationStats(long count, long totalTimeNanos) {

        /** No event yet. */
        public static final OperationStats NONE = new OperationStats(0, 0);
    }
}
