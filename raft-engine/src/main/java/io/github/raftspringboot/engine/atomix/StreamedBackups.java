package io.github.raftspringboot.engine.atomix;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.LongFunction;

import io.atomix.primitive.operation.OperationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftNode;

/**
 * Backups as streams, never held in memory. A backup is one log entry ({@link BackupSpool#SPOOL}) after which this node
 * writes its state to the spool, then copies the file out in the {@link RaftBackup} format. Progress is reported to
 * {@link LongOperations}. Restores are {@link StreamedRestores}.
 */
final class StreamedBackups {

    private static final int COPY_BUFFER = 64 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(StreamedBackups.class);

    private final String nodeId;

    private final BackupSpool spool;

    private final BiFunction<OperationId, byte[], CompletableFuture<Long>> append;

    private final LongFunction<CompletableFuture<Void>> awaitApplied;

    private final LongOperations operations;

    private final Duration giveUpAfter;

    private final Duration retryPause;

    /**
     * @param append       appends one entry through the log and answers its index, failing if the entry was refused
     * @param awaitApplied completes once this node has applied the index
     * @param operations   where progress is reported
     * @param giveUpAfter  how long a backup whose entry's answer timed out waits for this node to start writing it
     * @param retryPause   how often that wait looks again
     */
    StreamedBackups(String nodeId, BackupSpool spool, BiFunction<OperationId, byte[], CompletableFuture<Long>> append,
            LongFunction<CompletableFuture<Void>> awaitApplied, LongOperations operations, Duration giveUpAfter,
            Duration retryPause) {
        this.nodeId = nodeId;
        this.spool = spool;
        this.append = append;
        this.awaitApplied = awaitApplied;
        this.operations = operations;
        this.giveUpAfter = giveUpAfter;
        this.retryPause = retryPause;
    }

    /** How long a stalled backup or restore waits before it fails: twelve request timeouts, at least a minute. */
    static Duration giveUpAfter(Duration requestTimeout) {
        Duration twelve = requestTimeout.multipliedBy(12);
        return (twelve.compareTo(Duration.ofMinutes(1)) < 0) ? Duration.ofMinutes(1) : twelve;
    }

    long backupTo(OutputStream out) throws IOException {
        String backupId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        try (LongOperations.Tracked progress = operations.start("backup", backupId, "spooling", -1)) {
            long index = spool(backupId);
            Path file = spool.take(backupId);
            try {
                long size = Files.size(file);
                logger.info("Backup {} at index {}: copying {} bytes out", backupId, index, size);
                progress.phase("copying", size);
                try (InputStream state = new Counted(new BufferedInputStream(Files.newInputStream(file), COPY_BUFFER),
                        progress)) {
                    RaftBackup.write(out, nodeId, index, Instant.now(), size, state);
                }
                logger.info("Backup {} at index {}: {} bytes written in {} ms", backupId, index, size,
                        (System.nanoTime() - started) / 1_000_000);
                return index;
            }
            finally {
                BackupSpool.deleteQuietly(file);
            }
        }
    }

    /**
     * The backup's log entry, and the wait for this node to have written the state as of it. The entry is answered
     * only once applied, and applying it is writing the whole state, which can take longer than the request timeout:
     * a timed-out answer is not a failure while this node writes the state (or starts to within
     * {@code giveUpAfter}), the wait then lasts as long as the writing.
     */
    private long spool(String backupId) {
        CompletableFuture<Long> written = spool.written(backupId);
        try {
            long index = RaftFutures.await(append.apply(BackupSpool.SPOOL, BackupSpool.spoolEntry(nodeId, backupId)),
                    RaftNode.LONG_OPERATION);
            // The entry's answer may come from the leader before this node has applied it, and so written the file.
            RaftFutures.await(awaitApplied.apply(index), RaftNode.LONG_OPERATION);
            return index;
        }
        catch (RaftException ex) {
            if (ex.reason() != RaftException.Reason.TIMEOUT) {
                throw ex;
            }
            long deadline = System.nanoTime() + giveUpAfter.toNanos();
            while (!spool.started(backupId) && !written.isDone()) {
                if (System.nanoTime() > deadline) {
                    throw ex;
                }
                try {
                    written.get(retryPause.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                catch (java.util.concurrent.TimeoutException notYet) {
                    // still waiting for the entry to be applied here
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw ex;
                }
                catch (java.util.concurrent.ExecutionException failed) {
                    break;
                }
            }
            logger.info("Backup {}: the entry's answer timed out while this node writes the state; waiting for it",
                    backupId);
            return RaftFutures.await(written, RaftNode.LONG_OPERATION);
        }
    }

    /** Passes bytes through and counts them into an operation's progress. */
    private static final class Counted extends FilterInputStream {

        private final LongOperations.Tracked progress;

        Counted(InputStream in, LongOperations.Tracked progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int read = super.read(bytes, offset, length);
            if (read > 0) {
                progress.advance(read);
            }
            return read;
        }
    }
}
