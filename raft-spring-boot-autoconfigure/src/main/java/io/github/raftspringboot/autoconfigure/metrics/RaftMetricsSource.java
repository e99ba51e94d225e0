package io.github.raftspringboot.autoconfigure.metrics;

import java.util.Map;

/**
 * Engine measurements that {@link io.github.raftspringboot.api.RaftNode#status()} does not carry. An engine that
 * can measure them implements this interface on its {@code RaftNode} bean (or provides a bean of this type); the
 * matching meters are registered only then. Every method is called at scrape time, from any thread: keep them cheap
 * and non-blocking.
 */
public interface RaftMetricsSource {

    /**
     * On the leader: for every other server of the configuration, the highest log index known to be replicated
     * to it (its match index). Empty on any other node.
     */
    Map<String, Long> replicationMatchIndexes();

    /** The snapshots this node has taken since it started: how many, and the time they took in total. */
    OperationStats snapshots();

    /** The size in bytes of this node's newest snapshot; 0 when it has none. */
    long lastSnapshotSizeBytes();

    /** Writes of entries to this node's log: how many batches, and the time they took to be durable in total. */
    OperationStats logAppends();

    /** On the leader: entries committed since this node became leader, and their total time from append to commit. */
    OperationStats commits();

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
