package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.impl.RaftServiceManager;
import io.atomix.protocols.raft.session.RaftSession;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snapshot asked for by an operator or a backup: one that holds at least what this node had applied when asked, as
 * a snapshot of etcd, Consul or hashicorp/raft does, taken now, with the log compacted up to it when it is done.
 * <p>
 * Atomix's {@code compact()} is not used for it. It takes a snapshot only when it can then delete a log segment, so
 * the newest snapshot can stop well short of what was applied (a verify saw 70 after index 75 had applied), and it
 * holds every snapshot it takes for 10 s ({@code SNAPSHOT_COMPLETION_DELAY}) before it completes it, and the log
 * compaction for 10 s more on a busy node: 18 s for a snapshot of 1 M keys on a quiet machine, of which the writing
 * took a few. Here the snapshot is taken with Atomix's own snapshot of its services, on its state machine thread, at
 * the applied index; it is made current once every client session has received the events up to that index (Atomix's
 * own rule), and never while one of Atomix's own is under way. Then the log is compacted up to it on the Raft thread,
 * right after a {@link SegmentMappings} pass has moved on the readers that finished a segment it deletes (Atomix
 * waited 10 s for that pass). The snapshot Atomix reloads before the entry after it is not read again
 * ({@link StateMachineService} knows it wrote it and has not changed since), so completing it at once costs nothing.
 */
final class CoveringSnapshot {

    private static final Logger logger = LoggerFactory.getLogger(CoveringSnapshot.class);

    /** How often a snapshot waiting for client sessions to catch up with their events is checked again. */
    private static final Duration SESSION_WAIT = Duration.ofMillis(50);

    private static final Method SNAPSHOT = snapshotMethod();

    /** Atomix's compaction under way ({@code RaftServiceManager.compactFuture}, written on the Raft thread). */
    private static final Field COMPACT_FUTURE = serviceManagerField("compactFuture");

    /** The applied index of Atomix's last snapshot ({@code RaftServiceManager.lastCompacted}, Raft thread). */
    private static final Field LAST_COMPACTED = serviceManagerField("lastCompacted");

    private final RaftContext context;

    private final SegmentMappings segmentMappings;

    private final Supplier<String> leaderId;

    CoveringSnapshot(RaftContext context, SegmentMappings segmentMappings, Supplier<String> leaderId) {
        this.context = context;
        this.segmentMappings = segmentMappings;
        this.leaderId = leaderId;
    }

    /** Takes the snapshot; completes with its index once the log is compacted up to it. */
    CompletableFuture<Long> take() {
        return takeAtAppliedIndex(context.getLastApplied()).exceptionally(error -> {
            throw AtomixErrors.translate(error, "Snapshot", leaderId.get());
        });
    }

    /**
     * On the Raft thread, where Atomix starts its own snapshots: while one of them is under way, wait for it and look
     * again; otherwise mark ours as Atomix's compaction under way (its {@code compactFuture}), so that Atomix starts
     * none until ours is done. Two snapshots at the same index write the same file, and Atomix deletes the one that
     * completes second, file included: a verify's restarted node came back without its snapshot and with its log
     * compacted, and never applied the restored state.
     */
    private CompletableFuture<Long> takeAtAppliedIndex(long applied) {
        RaftServiceManager manager = context.getServiceManager();
        CompletableFuture<Long> taken = new CompletableFuture<>();
        context.getThreadContext().execute(() -> {
            try {
                CompletableFuture<?> underWay = (CompletableFuture<?>) COMPACT_FUTURE.get(manager);
                if (underWay != null) {
                    underWay.handle((ignored, error) -> null)
                        .thenCompose(ignored -> takeAtAppliedIndex(applied))
                        .whenComplete((index, error) -> complete(taken, index, error));
                    return;
                }
                CompletableFuture<Void> ours = new CompletableFuture<>();
                COMPACT_FUTURE.set(manager, ours);
                // As Atomix does when it starts a snapshot: its next periodic one waits for a later segment.
                LAST_COMPACTED.setLong(manager, Math.max(LAST_COMPACTED.getLong(manager), context.getLastApplied()));
                CompletableFuture<Long> snapshot = new CompletableFuture<>();
                snapshot.whenComplete((index, error) -> context.getThreadContext().execute(() -> {
                    if (error == null) {
                        compactLog(index);
                    }
                    release(manager, ours);
                    complete(taken, index, error);
                }));
                manager.executor().execute(() -> snapshotNow(manager, applied, snapshot));
            }
            catch (ReflectiveOperationException | RuntimeException ex) {
                taken.completeExceptionally(ex);
            }
        });
        return taken;
    }

    /** On the state machine thread. */
    private void snapshotNow(RaftServiceManager manager, long applied, CompletableFuture<Long> taken) {
        try {
            long current = currentIndex();
            if (current >= context.getLastApplied()) {
                taken.complete(current);
                return;
            }
            logger.debug("Taking a snapshot at {} (applied {} when asked; the newest was at {})",
                    context.getLastApplied(), applied, current);
            Snapshot snapshot = ((Snapshot) SNAPSHOT.invoke(manager)).persist();
            completeOnceSessionsCaughtUp(manager, snapshot, taken);
        }
        catch (InvocationTargetException ex) {
            taken.completeExceptionally(ex.getCause());
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            taken.completeExceptionally(ex);
        }
    }

    /**
     * Atomix's rule for its own snapshots: the snapshot replaces the log only once no session still waits for an event
     * of an index it covers. State machine thread only.
     */
    private void completeOnceSessionsCaughtUp(RaftServiceManager manager, Snapshot snapshot,
            CompletableFuture<Long> taken) {
        try {
            long lastCompleted = snapshot.index();
            for (RaftSession session : context.getSessions().getSessions()) {
                lastCompleted = Math.min(lastCompleted, session.getLastCompleted());
            }
            if (lastCompleted >= snapshot.index()) {
                snapshot.complete();
                taken.complete(currentIndex());
            }
            else {
                manager.executor().schedule(SESSION_WAIT, () -> completeOnceSessionsCaughtUp(manager, snapshot, taken));
            }
        }
        catch (RuntimeException ex) {
            snapshot.close();
            snapshot.delete();
            taken.completeExceptionally(ex);
        }
    }

    /**
     * On the Raft thread: deletes the log segments wholly below the snapshot's index, as Atomix does after its own.
     * Atomix resets the readers left below them; the pass first moves on a reader that has read one to the end and
     * would otherwise read it again once closed (its mapping freed).
     */
    private void compactLog(long index) {
        try {
            segmentMappings.keep();
            context.getLog().compact(index);
        }
        catch (RuntimeException ex) {
            // The snapshot is complete and current all the same: Atomix compacts the log after its next one.
            logger.warn("Snapshot {} is taken, but the log could not be compacted up to it: {}", index, ex.toString());
        }
    }

    /** On the Raft thread: Atomix may take snapshots again. */
    private static void release(RaftServiceManager manager, CompletableFuture<Void> ours) {
        try {
            if (COMPACT_FUTURE.get(manager) == ours) {
                COMPACT_FUTURE.set(manager, null);
            }
        }
        catch (ReflectiveOperationException ex) {
            logger.warn("Could not let Atomix take snapshots again after an asked one: {}", ex.toString());
        }
        finally {
            ours.complete(null);
        }
    }

    private static void complete(CompletableFuture<Long> taken, Long index, Throwable error) {
        if (error != null) {
            taken.completeExceptionally(error);
        }
        else {
            taken.complete(index);
        }
    }

    private long currentIndex() {
        Snapshot current = context.getSnapshotStore().getCurrentSnapshot();
        return current == null ? 0 : current.index();
    }

    private static Field serviceManagerField(String name) {
        try {
            Field field = RaftServiceManager.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }
        catch (NoSuchFieldException ex) {
            throw new IllegalStateException("Atomix's RaftServiceManager has no " + name + " field: " + ex, ex);
        }
    }

    private static Method snapshotMethod() {
        try {
            Method method = RaftServiceManager.class.getDeclaredMethod("snapshot");
            method.setAccessible(true);
            return method;
        }
        catch (NoSuchMethodException ex) {
            throw new IllegalStateException("Atomix's RaftServiceManager has no snapshot() method: " + ex, ex);
        }
    }
}
