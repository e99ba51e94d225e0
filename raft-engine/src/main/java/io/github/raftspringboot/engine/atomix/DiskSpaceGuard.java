package io.github.raftspringboot.engine.atomix;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.atomix.protocols.raft.RaftError;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.RaftResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * Keeps a node whose disk is (nearly) full out of the write path. Atomix writes log entries into a memory-mapped
 * segment file whose pages the file system allocates only when first written; on a full disk that write faults
 * (SIGBUS) and the JVM dies. So once less than {@code required} bytes (a log segment and an entry) are free on the
 * state directory's file system, the node accepts no more entries from a leader, and a leader hands its leadership
 * to another node: the others, with room on their disks, go on committing and answering writes. When space is freed
 * the node takes entries again and catches up.
 */
final class DiskSpaceGuard implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(DiskSpaceGuard.class);

    private final File directory;

    private final long required;

    private final String nodeId;

    private final ScheduledExecutorService monitor;

    /** The segment chores run at every tick for this many ticks after a segment came or went... */
    private static final int CHORE_BUSY_TICKS = 10;

    /** ...and once every this many ticks otherwise (once a second with the default heartbeat interval). */
    private static final int CHORE_IDLE_EVERY = 10;

    private volatile boolean low;

    /** A hand-over is under way: do not start another. */
    private final AtomicBoolean handingOver = new AtomicBoolean();

    DiskSpaceGuard(File directory, long required, String nodeId) {
        this.directory = directory;
        this.required = required;
        this.nodeId = nodeId;
        this.monitor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "raft-disk-space-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the guard of a node's storage {@code directory}: every heartbeat interval it checks the free space (a
     * leader short of it calls {@code stepDown}); it also pads the log segments ({@link SegmentPadding}) and keeps new
     * segments mapped ({@link SegmentMappings}), at the pace of {@link SegmentChores}.
     */
    static DiskSpaceGuard start(RaftNodeSettings settings, File directory, BooleanSupplier leading,
            Supplier<CompletableFuture<?>> stepDown, SegmentMappings segmentMappings) {
        DiskSpaceGuard guard = new DiskSpaceGuard(directory, settings.segmentSize() + (long) settings.maxEntrySize(),
                settings.nodeId());
        guard.start(settings.heartbeatInterval(), leading, stepDown,
                new SegmentChores(segmentMappings::segmentsFingerprint, () -> {
                    SegmentPadding.padAll(directory.toPath(), RaftStorageFactory.PREFIX, settings.segmentSize(),
                            settings.maxEntrySize());
                    segmentMappings.keepSoon();
                }, CHORE_BUSY_TICKS, CHORE_IDLE_EVERY));
        return guard;
    }

    /**
     * Checks the free space every {@code interval}; while it is low and {@code leading}, calls {@code stepDown}.
     * Runs {@code housekeeping} (other chores on the storage files, which choose their own pace) on the same schedule.
     */
    void start(Duration interval, BooleanSupplier leading, Supplier<CompletableFuture<?>> stepDown,
            Runnable housekeeping) {
        monitor.scheduleWithFixedDelay(() -> {
            housekeeping.run();
            if (isLow() && leading.getAsBoolean() && handingOver.compareAndSet(false, true)) {
                logger.warn("Raft node '{}' hands over its leadership: its disk is nearly full", nodeId);
                stepDown.get().whenComplete((done, error) -> {
                    handingOver.set(false);
                    if (error != null) {
                        logger.warn("Raft node '{}' could not hand over its leadership: {}", nodeId, error.toString());
                    }
                });
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether less than the required space is free; logs when that changes. */
    boolean isLow() {
        long usable = directory.getUsableSpace();
        boolean nowLow = usable < required;
        if (nowLow != low) {
            low = nowLow;
            if (nowLow) {
                logger.error("Raft node '{}': only {} bytes free on the file system of {} (it needs {}: a log segment "
                        + "and an entry); it accepts no log entries and does not lead until space is freed",
                        nodeId, usable, directory, required);
            }
            else {
                logger.info("Raft node '{}': {} bytes free on the file system of {} again; accepting log entries",
                        nodeId, usable, directory);
            }
        }
        return nowLow;
    }

    /** The answer to a leader's entries while the disk is low: an error, so that they do not count as stored here. */
    AppendResponse refusal() {
        return AppendResponse.builder()
            .withStatus(RaftResponse.Status.ERROR)
            .withError(new RaftError(RaftError.Type.PROTOCOL_ERROR, "the disk of node '" + nodeId + "' is full"))
            .build();
    }

    @Override
    public void close() {
        monitor.shutdownNow();
    }
}
