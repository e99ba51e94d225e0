package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs a large file to disk a step at a time while it is being written, on another thread, so that its final sync
 * finds little left to write. Linux keeps written pages dirty until 10 % of the memory is dirty or 30 s have passed:
 * without this, a restore's 300 MB file is written to disk whole by its final sync, once the transfer is over, and on
 * every member at once. A failed sync fails the file ({@link #finish}): after a failed fsync, a later one may succeed
 * without the lost pages, so it cannot be retried.
 */
final class BackgroundSync {

    static final long STEP_BYTES = 16L * 1024 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(BackgroundSync.class);

    /** Writes the file's dirty pages to disk, as {@link FileChannel#force} does. */
    @FunctionalInterface
    interface Sync {

        void sync() throws IOException;
    }

    private final Sync target;

    private final Executor executor;

    private final Object file;

    /** Bytes written since the last sync was started; the writer's thread only. */
    private long unsynced;

    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    private volatile IOException failure;

    /** Syncs {@code channel} on {@code executor}; {@code file} names it in messages. */
    BackgroundSync(FileChannel channel, Executor executor, Object file) {
        this(() -> channel.force(false), executor, file);
    }

    BackgroundSync(Sync target, Executor executor, Object file) {
        this.target = target;
        this.executor = executor;
        this.file = file;
    }

    /** {@code bytes} more were written: starts a sync once a step's worth is waiting and none is under way. */
    void written(long bytes) {
        unsynced += bytes;
        if (unsynced >= STEP_BYTES && inFlight.isDone()) {
            unsynced = 0;
            try {
                inFlight = CompletableFuture.runAsync(this::sync, executor);
            }
            catch (RejectedExecutionException ex) {
                failure = new IOException("the node is stopping", ex);
            }
        }
    }

    /** Waits for the sync under way; throws if a sync failed. The caller's own final sync makes the file durable. */
    void finish() throws IOException {
        try {
            inFlight.join();
        }
        catch (CompletionException ex) {
            throw new IOException("Could not sync " + file + " in the background", ex.getCause());
        }
        if (failure != null) {
            throw new IOException("Could not sync " + file + " while it was written: " + failure.getMessage(), failure);
        }
    }

    private void sync() {
        try {
            target.sync();
        }
        catch (ClosedChannelException ex) {
            // The file was abandoned meanwhile (its transfer failed or the node stops): nothing left to sync.
            logger.debug("{} was closed during its background sync", file);
        }
        catch (IOException ex) {
            failure = ex;
        }
    }
}
