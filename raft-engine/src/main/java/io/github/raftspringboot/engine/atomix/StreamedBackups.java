package io.github.raftspringboot.engine.atomix;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
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
 * Backups and restores as streams, never held in memory. A backup is one log entry ({@link BackupSpool#SPOOL})
 * after which this node writes its state to the spool, then copies the file out in the {@link RaftBackup} format.
 * A restore first copies the incoming backup to the spool, verifying its checksum (a damaged or cut stream changes
 * nothing), then stages it through the log as {@link StagedRestore} entries, a few in flight at once. Each log
 * entry has the ordinary request timeout; the whole operation has none. A chunk whose answer fails (a leader change,
 * a timeout) is sent again, with those after it, until the cluster takes it: the restore resumes where it stopped
 * and gives up only when nothing was staged for {@code giveUpAfter}. Progress is reported to {@link LongOperations}.
 */
final class StreamedBackups {

    /** Restore chunks sent before the first is acknowledged: the session keeps them in order. */
    private static final int CHUNKS_IN_FLIGHT = 4;

    private static final int COPY_BUFFER = 64 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(StreamedBackups.class);

    private final String nodeId;

    private final BackupSpool spool;

    private final BiFunction<OperationId, byte[], CompletableFuture<Long>> append;

    private final LongFunction<CompletableFuture<Void>> awaitApplied;

    private final int chunkSize;

    private final LongOperations operations;

    private final Duration giveUpAfter;

    private final Duration retryPause;

    /**
     * @param append       appends one entry through the log and answers its index, failing if the entry was refused
     * @param awaitApplied completes once this node has applied the index
     * @param chunkSize    the largest restore chunk that fits in a log entry
     * @param operations   where progress is reported
     * @param giveUpAfter  how long a restore goes on sending a step again without any step taken before it fails
     * @param retryPause   the pause before a step is sent again (a new leader is being elected)
     */
    StreamedBackups(String nodeId, BackupSpool spool, BiFunction<OperationId, byte[], CompletableFuture<Long>> append,
            LongFunction<CompletableFuture<Void>> awaitApplied, int chunkSize, LongOperations operations,
            Duration giveUpAfter, Duration retryPause) {
        this.nodeId = nodeId;
        this.spool = spool;
        this.append = append;
        this.awaitApplied = awaitApplied;
        this.chunkSize = chunkSize;
        this.operations = operations;
        this.giveUpAfter = giveUpAfter;
        this.retryPause = retryPause;
    }

    /** A restore stalled this long gives up: twelve request timeouts (two minutes by default), at least a minute. */
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

    long restoreFrom(InputStream in) throws IOException {
        String restoreId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        RaftBackup.Streamed backup = RaftBackup.open(in);
        Path file = spool.newFile("restore-" + restoreId);
        try (LongOperations.Tracked progress = operations.start("restore", restoreId, "receiving",
                backup.stateLength())) {
            MessageDigest digest = StagedRestore.newSha256();
            try (OutputStream copy = new DigestOutputStream(Files.newOutputStream(file), digest)) {
                // Reading the state to its end verifies the backup's checksum: nothing enters the log before.
                new Counted(backup.state(), progress).transferTo(copy);
            }
            logger.info("Restore {}: the backup of node '{}' at index {} ({} bytes) is verified; staging it in "
                    + "chunks of {} bytes", restoreId, backup.nodeId(), backup.index(), backup.stateLength(),
                    chunkSize);
            long index = stage(restoreId, file, backup.stateLength(), digest.digest(), progress);
            logger.info("Restore {} took effect at index {} after {} ms", restoreId, index,
                    (System.nanoTime() - started) / 1_000_000);
            return index;
        }
        finally {
            BackupSpool.deleteQuietly(file);
        }
    }

    /**
     * BEGIN, the CHUNKs a few in flight, then COMMIT. A step whose answer fails is sent again: a BEGIN or a chunk
     * already staged, or a COMMIT already applied, is accepted again without effect, so a retry is safe, and the
     * chunks already staged are not sent again.
     */
    private long stage(String restoreId, Path file, long length, byte[] sha256, LongOperations.Tracked progress)
            throws IOException {
        byte[] begin = StagedRestore.beginEntry(restoreId, length, sha256);
        progress.phase("staging", length);
        Retries retries = new Retries(restoreId);
        while (!retries.attempt("begin", () -> RaftFutures.await(append.apply(StagedRestore.BEGIN, begin),
                RaftNode.LONG_OPERATION))) {
            retries.pause();
        }
        long chunks = (length + chunkSize - 1) / chunkSize;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int next = 0;
            while (next < chunks) {
                Deque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
                for (int sequence = next; sequence < chunks && inFlight.size() < CHUNKS_IN_FLIGHT; sequence++) {
                    inFlight.addLast(append.apply(StagedRestore.CHUNK, chunkEntry(restoreId, channel, sequence)));
                }
                boolean failed = false;
                while (!inFlight.isEmpty()) {
                    CompletableFuture<Long> step = inFlight.removeFirst();
                    if (failed) {
                        step.exceptionally(error -> null);
                        continue;
                    }
                    if (retries.attempt("chunk " + next, () -> RaftFutures.await(step, RaftNode.LONG_OPERATION))) {
                        next++;
                        progress.done(Math.min(length, (long) next * chunkSize));
                    }
                    else {
                        failed = true;
                    }
                }
                if (failed) {
                    retries.pause();
                }
            }
        }
        progress.phase("committing", -1);
        long[] index = new long[1];
        while (!retries.attempt("commit", () -> index[0] = RaftFutures.await(append.apply(StagedRestore.COMMIT,
                StagedRestore.commitEntry(restoreId)), RaftNode.LONG_OPERATION))) {
            retries.pause();
        }
        return index[0];
    }

    private byte[] chunkEntry(String restoreId, FileChannel channel, int sequence) {
        long offset = (long) sequence * chunkSize;
        try {
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(chunkSize, channel.size() - offset));
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, offset + bytes.position()) < 0) {
                    throw new IOException("the spooled restore is shorter than expected");
                }
            }
            return StagedRestore.chunkEntry(restoreId, sequence, bytes.array(), 0, bytes.capacity());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not read chunk " + sequence + " of the spooled restore", ex);
        }
    }

    /**
     * The restore's retry policy: a failed step is sent again after a pause, for as long as the restore made
     * progress within {@code giveUpAfter}; a step the state machine refused (its answer names the problem) is not
     * retried.
     */
    private final class Retries {

        private final String restoreId;

        private long lastProgressNanos = System.nanoTime();

        private int failuresInARow;

        Retries(String restoreId) {
            this.restoreId = restoreId;
        }

        /** Runs a step; true if it was taken, false if it should be sent again; throws once it is time to give up. */
        boolean attempt(String what, Runnable step) {
            try {
                step.run();
                lastProgressNanos = System.nanoTime();
                if (failuresInARow > 0) {
                    logger.info("Restore {}: resumed at {} after {} failed attempts", restoreId, what, failuresInARow);
                }
                failuresInARow = 0;
                return true;
            }
            catch (RaftException ex) {
                if (ex.reason() == RaftException.Reason.INVALID_REQUEST
                        || ex.reason() == RaftException.Reason.SHUTDOWN) {
                    throw ex;
                }
                failuresInARow++;
                long stalledNanos = System.nanoTime() - lastProgressNanos;
                if (stalledNanos >= giveUpAfter.toNanos()) {
                    throw new RaftException(ex.reason(), "Restore " + restoreId + " gave up at " + what
                            + ": nothing could be staged for " + giveUpAfter.toSeconds() + " s (last failure: "
                            + ex.getMessage() + "); the state is unchanged, run the restore again");
                }
                logger.info("Restore {}: {} failed ({}); sending it again, with the chunks after it", restoreId, what,
                        ex.getMessage());
                return false;
            }
        }

        /** Gives the cluster a moment to elect a leader before a step is sent again. */
        void pause() {
            try {
                Thread.sleep(retryPause.toMillis());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new RaftException(RaftException.Reason.TIMEOUT, "Restore " + restoreId + " interrupted");
            }
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
