package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.atomix.protocols.raft.impl.DefaultRaftServer;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.impl.RaftServiceManager;
import io.atomix.protocols.raft.session.RaftSession;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snapshot asked for by an operator or a backup: one that holds at least what this node had applied when asked, as
 * a snapshot of etcd, Consul or hashicorp/raft does.
 * <p>
 * Atomix's {@code compact()} takes a snapshot only when it can then delete a log segment: when a whole segment lies
 * below the applied index, and the segment that holds the applied index starts after the index of its last
 * compaction. Otherwise it hands back at once, or hands back the compaction already under way, and the newest
 * snapshot can stop well short of what was applied (a verify saw 70 after index 75 had applied, and before that 74
 * after 77). After Atomix's compaction, a snapshot that does not cover what was applied is therefore taken here, with
 * Atomix's own snapshot of its services, on its state machine thread, at the applied index, and made current once
 * every client session has received the events up to that index (as Atomix completes its own), never while one of
 * Atomix's own is under way. The log is not compacted for it: Atomix compacts at its next snapshot, and a start reads
 * this snapshot and then the entries after it.
 */
final class CoveringSnapshot {

    private static final Logger logger = LoggerFactory.getLogger(CoveringSnapshot.class);

    /** How often a snapshot waiting for client sessions to catch up with their events is checked again. */
    private static final Duration SESSION_WAIT = Duration.ofMillis(50);

    /** How long a snapshot waits for the entry after it to be applied before it is made current anyway. */
    private static final Duration PAST_WAIT = Duration.ofSeconds(1);

    private static final Method SNAPSHOT = snapshotMethod();

    /** Atomix's compaction under way ({@code RaftServiceManager.compactFuture}, written on the Raft thread). */
    private static final Field COMPACT_FUTURE = compactFutureField();

    private final DefaultRaftServer server;

    private final RaftContext context;

    private final Supplier<String> leaderId;

    CoveringSnapshot(DefaultRaftServer server, RaftContext context, Supplier<String> leaderId) {
        this.server = server;
        this.context = context;
        this.leaderId = leaderId;
    }

    /** Takes the snapshot; completes with its index. */
    CompletableFuture<Long> take() {
        long applied = context.getLastApplied();
        return server.compact().thenCompose(ignored -> {
            long index = currentIndex();
            return index >= applied ? CompletableFuture.completedFuture(index) : takeAtAppliedIndex(index, applied);
        }).exceptionally(error -> {
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
    private CompletableFuture<Long> takeAtAppliedIndex(long compacted, long applied) {
        RaftServiceManager manager = context.getServiceManager();
        CompletableFuture<Long> taken = new CompletableFuture<>();
        context.getThreadContext().execute(() -> {
            try {
                CompletableFuture<?> underWay = (CompletableFuture<?>) COMPACT_FUTURE.get(manager);
                if (underWay != null) {
                    underWay.handle((ignored, error) -> null)
                        .thenCompose(ignored -> currentIndex() >= applied
                                ? CompletableFuture.completedFuture(currentIndex())
                                : takeAtAppliedIndex(compacted, applied))
                        .whenComplete((index, error) -> complete(taken, index, error));
                    return;
                }
                CompletableFuture<Void> ours = new CompletableFuture<>();
                COMPACT_FUTURE.set(manager, ours);
                taken.whenComplete((index, error) -> context.getThreadContext().execute(() -> release(manager, ours)));
                manager.executor().execute(() -> snapshotNow(manager, compacted, applied, taken));
            }
            catch (ReflectiveOperationException | RuntimeException ex) {
                taken.completeExceptionally(ex);
            }
        });
        return taken;
    }

    /** On the state machine thread. */
    private void snapshotNow(RaftServiceManager manager, long compacted, long applied, CompletableFuture<Long> taken) {
        try {
            long current = currentIndex();
            if (current >= context.getLastApplied()) {
                taken.complete(current);
                return;
            }
            logger.debug("Atomix's compaction left the snapshot at {} (applied {} when asked): taking one at {}",
                    compacted, applied, context.getLastApplied());
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

    /**
     * Atomix's rule for its own snapshots: the snapshot replaces the log only once no session still waits for an event
     * of an index it covers. And not before the next entry is applied, for up to {@link #PAST_WAIT}: Atomix loads the
     * current snapshot into the state machine before it applies the entry right after it, a whole reload of a state it
     * already has (its own snapshots complete seconds after they are taken, when that entry is long applied). On an
     * idle node the next entry may come later and still reloads it, once. State machine thread only.
     */
    private void completeOnceSessionsCaughtUp(RaftServiceManager manager, Snapshot snapshot,
            CompletableFuture<Long> taken) {
        completeOnceSessionsCaughtUp(manager, snapshot, taken, System.nanoTime() + PAST_WAIT.toNanos());
    }

    private void completeOnceSessionsCaughtUp(RaftServiceManager manager, Snapshot snapshot,
            CompletableFuture<Long> taken, long pastDeadline) {
        try {
            long lastCompleted = snapshot.index();
            for (RaftSession session : context.getSessions().getSessions()) {
                lastCompleted = Math.min(lastCompleted, session.getLastCompleted());
            }
            boolean past = context.getLastApplied() > snapshot.index() || System.nanoTime() - pastDeadline >= 0;
            if (lastCompleted >= snapshot.index() && past) {
                snapshot.complete();
                taken.complete(currentIndex());
            }
            else {
                manager.executor().schedule(SESSION_WAIT,
                        () -> completeOnceSessionsCaughtUp(manager, snapshot, taken, pastDeadline));
            }
        }
        catch (RuntimeException ex) {
            snapshot.close();
            snapshot.delete();
            taken.completeExceptionally(ex);
        }
    }

    private long currentIndex() {
        Snapshot current = context.getSnapshotStore().getCurrentSnapshot();
        return current == null ? 0 : current.index();
    }

    private static Field compactFutureField() {
        try {
            Field field = RaftServiceManager.class.getDeclaredField("compactFuture");
            field.setAccessible(true);
            return field;
        }
        catch (NoSuchFieldException ex) {
            throw new IllegalStateException("Atomix's RaftServiceManager has no compactFuture field: " + ex, ex);
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
