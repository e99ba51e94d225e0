package io.github.raftspringboot.api;

import java.time.Instant;

/**
 * A long operation under way on this node (a backup, a restore, a snapshot written or installed) and how far it
 * got, as {@link RaftNode#operationsInProgress()}, the actuator's {@code GET /actuator/raft/operations} and the
 * {@code raft.operation.progress} meter show it.
 *
 * @param id        the operation's id (a backup's or restore's id, as in the log lines)
 * @param kind      {@code backup}, {@code restore}, {@code snapshot}, {@code snapshot-install} or {@code snapshot-send}
 * @param phase     what it is doing now, e.g. {@code receiving}, {@code distributing}, {@code committing}
 * @param done      how much of the phase is done, in {@code unit}s
 * @param total     how much the phase has to do, or -1 when it is not known in advance (a state being written)
 * @param unit      {@code bytes}
 * @param percent   {@code done} of {@code total} in percent, or -1 when the total is not known
 * @param startedAt when the operation started
 */
public record RaftOperationProgress(String id, String kind, String phase, long done, long total, String unit,
        int percent, Instant startedAt) {
}
