package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.impl.RaftServiceManager;
import io.atomix.utils.concurrent.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's snapshots, taken here instead of by Atomix: every {@link #CHECK_INTERVAL} when a whole log segment lies below
 * the applied index (Atomix's own rule), and when asked (an operator, a backup) at the applied index, as etcd, Consul
 * and hashicorp/raft do. Each is Atomix's own snapshot of its services, written on its state machine thread, made
 * current once every client session has received the events up to its index (Atomix's rule), and then the log is
 * compacted up to it on the Raft thread.
 * <p>
 * Why not Atomix's: it holds every snapshot 10 s ({@code SNAPSHOT_COMPLETION_DELAY}) before it completes it, and the
 * compaction 10 s more on a busy node, and an asked snapshot waited for the one under way: 18-20 s for a snapshot of 1 M
 * keys on a quiet machine, of which the writing took a few; and an asked one could stop well short of what was applied
 * (its {@code compact()} takes one only when it can delete a segment). Atomix's scheduler is parked for good: its
 * compaction slot ({@code RaftServiceManager.compactFuture}) always holds a future of ours, which Atomix waits on before
 * it would take one, and which completes (and is replaced) each time one of ours is done, so that Atomix's leader,
 * which waits on it when its disk is full, retries its append then. Two snapshots are never under way at once (two at
 * the same index write the same file, and Atomix deletes the one completed second, file included).
 * <p>
 * Compacting at once: a {@link SegmentMappings} pass first moves on the readers that finished a segment about to be
 * deleted (Atomix waited 10 s for such a pass); {@link SnapshotInstalls} keeps the leader from sending the snapshot to
 * followers that still find their next entry in the log; and Atomix does not install the snapshot on this node again
 * before the entry after it ({@link ChecksummedSnapshotStore}: that install replaced the live client sessions).
 */
final class Snapshots {

    private static final Logger logger = LoggerFactory.getLogger(Snapshots.class);

    /** How often the log is checked for a segment below the applied index (Atomix's interval). */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);

    private final RaftContext context;

    private final SegmentMappings segmentMappings;

    private final SnapshotInstalls installs;

    private final Supplier<String> leaderId;

    /** Whether the disk is short of space: a snapshot is then taken whatever the load. */
    private volatile BooleanSupplier diskLow = () -> false;

    /** Whether a restore is being staged through the log. */
    private final BooleanSupplier restoreStaging;

    private final SnapshotWriter writer;

    /** Ours under way; Raft thread only. */
    private CompletableFuture<Long> underWay;

    /** What Atomix finds in its compaction slot until the next snapshot is done; Raft thread only. */
    private CompletableFuture<Void> atomixSlot;

    private Scheduled checks;

    private Snapshots(RaftContext context, SegmentMappings segmentMappings, SnapshotInstalls installs,
            BooleanSupplier restoreStaging, Supplier<String> leaderId) {
        this.context = context;
        this.restoreStaging = restoreStaging;
        this.segmentMappings = segmentMappings;
        this.installs = installs;
        this.leaderId = leaderId;
        this.writer = new SnapshotWriter(context);
    }

    /**
     * Takes over the snapshots of {@code context}'s node, before its server starts: Atomix's first check comes
     * {@link #CHECK_INTERVAL} after its context was created.
     */
    static Snapshots takeOver(RaftContext context, SegmentMappings segmentMappings, SnapshotInstalls installs,
            BooleanSupplier restoreStaging, Supplier<String> leaderId) {
        ServiceManagerAccess.requireAvailable();
        Snapshots snapshots = new Snapshots(context, segmentMappings, installs, restoreStaging, leaderId);
        context.getThreadContext().execute(() -> {
            try {
                snapshots.atomixSlot = new CompletableFuture<>();
                ServiceManagerAccess.setCompaction(context.getServiceManager(), snapshots.atomixSlot);
                snapshots.checks = context.getThreadContext().schedule(CHECK_INTERVAL, CHECK_INTERVAL,
                        snapshots::check);
            }
            catch (ReflectiveOperationException | RuntimeException ex) {
                logger.warn("Could not take over the snapshots from Atomix ({}); Atomix takes them, each completed "
                        + "10 s after it is written", ex.toString());
            }
        });
        return snapshots;
    }

    /** Told the log's first index after each compaction, on the Raft thread. */
    private volatile LongConsumer afterCompaction = first -> { };

    /** Where to tell the log's first index after each compaction (files kept while the log holds an entry). */
    void afterCompaction(LongConsumer listener) {
        this.afterCompaction = listener;
    }

    /** Where to ask whether the disk is short of space. */
    void watchDiskSpace(BooleanSupplier low) {
        this.diskLow = low;
    }

    /** Stops the periodic checks; a snapshot under way completes or fails with the node. */
    void cancel() {
        context.getThreadContext().execute(() -> {
            if (checks != null) {
                checks.cancel();
            }
        });
    }

    /** A snapshot that holds at least what this node has applied now; completes with its index once the log is compacted. */
    CompletableFuture<Long> take() {
        CompletableFuture<Long> taken = new CompletableFuture<>();
        long applied = context.getLastApplied();
        try {
            context.getThreadContext().execute(() -> start(applied, taken));
        }
        catch (RejectedExecutionException ex) {
            // The node is stopping.
            taken.completeExceptionally(ex);
        }
        return taken.exceptionally(error -> {
            throw AtomixErrors.translate(error, "Snapshot", leaderId.get());
        });
    }

    /**
     * On the Raft thread, every {@link #CHECK_INTERVAL}: a snapshot when a whole log segment lies below the applied
     * index and has not been snapshotted yet, unless the node has disk space to spare and is under high load (Atomix's
     * rule: the state machine stops while it writes the snapshot) or is staging a restore (the snapshot would copy the
     * chunks staged so far as well: at 1 M keys, snapshots written during a restore slowed its staging from 13 to
     * 2-4 MB/s; the staged entries stay in the log until the restore is committed or abandoned).
     */
    private void check() {
        try {
            if (underWay != null) {
                return;
            }
            long applied = context.getLastApplied();
            boolean low = diskLow.getAsBoolean();
            if (!context.getLog().isCompactable(applied)
                    || context.getLog().getCompactableIndex(applied) <= ServiceManagerAccess.lastCompacted(context.getServiceManager())) {
                if (low) {
                    // Nothing to compact: an append that waits for space (Atomix's leader, when its disk is full)
                    // retries now and fails after its few attempts, instead of waiting for a snapshot.
                    releaseAtomixSlot();
                }
                return;
            }
            if (!low && context.getLoadMonitor().isUnderHighLoad()) {
                logger.debug("Snapshot put off: the node is under high load");
                return;
            }
            if (!low && restoreStaging.getAsBoolean()) {
                logger.debug("Snapshot put off: a restore is being staged");
                return;
            }
            CompletableFuture<Long> taken = new CompletableFuture<>();
            taken.whenComplete((index, error) -> {
                if (error != null) {
                    logger.warn("Raft node '{}' could not take its snapshot at {}: {}", context.getName(), applied,
                            error.toString());
                }
            });
            start(applied, taken);
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            logger.warn("Raft node '{}' could not check whether its log needs a snapshot: {}", context.getName(),
                    ex.toString());
        }
    }

    /** On the Raft thread: one snapshot at a time; one asked while another is under way waits and looks again. */
    private void start(long applied, CompletableFuture<Long> taken) {
        if (underWay != null) {
            underWay.handle((index, error) -> null)
                .thenRun(() -> context.getThreadContext().execute(() -> start(applied, taken)));
            return;
        }
        CompletableFuture<Long> ours = new CompletableFuture<>();
        underWay = ours;
        try {
            RaftServiceManager manager = context.getServiceManager();
            // As Atomix does when it starts a snapshot: the next periodic one waits for a later segment.
            ServiceManagerAccess.raiseLastCompacted(manager, context.getLastApplied());
            CompletableFuture<Long> written = new CompletableFuture<>();
            written.whenComplete((index, error) -> context.getThreadContext()
                .execute(() -> finish(index, error, ours, taken)));
            manager.executor().execute(() -> writer.write(manager, applied, written));
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            finish(null, ex, ours, taken);
        }
    }

    /** On the Raft thread: compacts the log up to the snapshot, lets the next one start and Atomix retry appends. */
    private void finish(Long index, Throwable error, CompletableFuture<Long> ours, CompletableFuture<Long> taken) {
        if (error == null) {
            compactLog(index);
        }
        underWay = null;
        releaseAtomixSlot();
        if (error != null) {
            ours.completeExceptionally(error);
            taken.completeExceptionally(error);
        }
        else {
            ours.complete(index);
            taken.complete(index);
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
            installs.skipFollowersThatHaveTheirEntries(index);
            afterCompaction.accept(context.getLogReader().getFirstIndex());
        }
        catch (RuntimeException ex) {
            // The snapshot is complete and current all the same: the next one compacts the log.
            logger.warn("Snapshot {} is taken, but the log could not be compacted up to it: {}", index, ex.toString());
        }
    }

    /** On the Raft thread: what waited on Atomix's compaction slot goes on; the slot holds a new future. */
    private void releaseAtomixSlot() {
        CompletableFuture<Void> released = atomixSlot;
        if (released == null) {
            return;
        }
        try {
            atomixSlot = new CompletableFuture<>();
            ServiceManagerAccess.setCompaction(context.getServiceManager(), atomixSlot);
        }
        catch (ReflectiveOperationException ex) {
            logger.warn("Could not keep Atomix's snapshots parked: {}", ex.toString());
        }
        finally {
            released.complete(null);
        }
    }
}
