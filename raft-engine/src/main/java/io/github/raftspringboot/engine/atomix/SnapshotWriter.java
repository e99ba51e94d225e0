package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.impl.RaftServiceManager;
import io.atomix.protocols.raft.session.RaftSession;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one of {@link Snapshots}' snapshots on the state machine thread: Atomix's own snapshot of its services,
 * made current once every client session has received the events up to its index (Atomix's rule).
 */
final class SnapshotWriter {

    private static final Logger logger = LoggerFactory.getLogger(SnapshotWriter.class);

    /** How often a snapshot waiting for client sessions to catch up with their events is checked again. */
    private static final Duration SESSION_WAIT = Duration.ofMillis(50);

    private final RaftContext context;

    SnapshotWriter(RaftContext context) {
        this.context = context;
    }

    /** On the state machine thread: writes a snapshot unless the current one already holds what is applied. */
    void write(RaftServiceManager manager, long applied, CompletableFuture<Long> written) {
        try {
            long current = currentIndex();
            if (current >= context.getLastApplied()) {
                written.complete(current);
                return;
            }
            logger.debug("Taking a snapshot at {} (applied {} when asked; the newest was at {})",
                    context.getLastApplied(), applied, current);
            Snapshot snapshot = ServiceManagerAccess.snapshot(manager).persist();
            completeOnceSessionsCaughtUp(manager, snapshot, written);
        }
        catch (ReflectiveOperationException | RuntimeException | OutOfMemoryError ex) {
            written.completeExceptionally(ex);
        }
    }

    /**
     * Atomix's rule for its own snapshots: the snapshot replaces the log only once no session still waits for an event
     * of an index it covers. State machine thread only.
     */
    private void completeOnceSessionsCaughtUp(RaftServiceManager manager, Snapshot snapshot,
            CompletableFuture<Long> written) {
        try {
            long lastCompleted = snapshot.index();
            for (RaftSession session : context.getSessions().getSessions()) {
                lastCompleted = Math.min(lastCompleted, session.getLastCompleted());
            }
            if (lastCompleted >= snapshot.index()) {
                snapshot.complete();
                written.complete(currentIndex());
            }
            else {
                manager.executor()
                    .schedule(SESSION_WAIT, () -> completeOnceSessionsCaughtUp(manager, snapshot, written));
            }
        }
        catch (RuntimeException ex) {
            snapshot.close();
            snapshot.delete();
            written.completeExceptionally(ex);
        }
    }

    private long currentIndex() {
        Snapshot current = context.getSnapshotStore().getCurrentSnapshot();
        return current == null ? 0 : current.index();
    }
}
