package io.github.raftspringboot.engine.atomix;

import java.io.BufferedInputStream;
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
 * entry has the ordinary request timeout; the whole operation has none, and logs its progress.
 */
final class StreamedBackups {

    /** Restore chunks sent before the first is acknowledged: the session keeps them in order. */
    private static final int CHUNKS_IN_FLIGHT = 4;

    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private static final int COPY_BUFFER = 64 * 1024;

    /** Attempts of one step in a row before the restore gives up. */
    private static final int MAX_RETRIES = 5;

    private static final long RETRY_PAUSE_MILLIS = 1000;

    private static final Logger logger = LoggerFactory.getLogger(StreamedBackups.class);

    private final String nodeId;

    private final BackupSpool spool;

    private final BiFunction<OperationId, byte[], CompletableFuture<Long>> append;

    private final LongFunction<CompletableFuture<Void>> awaitApplied;

    private final int chunkSize;

    /**
     * @param append       appends one entry through the log and answers its index, failing if the entry was refused
     * @param awaitApplied completes once this node has applied the index
     * @param chunkSize    the largest restore chunk that fits in a log entry
     */
    StreamedBackups(String nodeId, BackupSpool spool, BiFunction<OperationId, byte[], CompletableFuture<Long>> append,
            LongFunction<CompletableFuture<Void>> awaitApplied, int chunkSize) {
        this.nodeId = nodeId;
        this.spool = spool;
        this.append = append;
        this.awaitApplied = awaitApplied;
        this.chunkSize = chunkSize;
    }

    long backupTo(OutputStream out) throws IOException {
        String backupId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        long index = RaftFutures.await(append.apply(BackupSpool.SPOOL, BackupSpool.spoolEntry(nodeId, backupId)),
                RaftNode.LONG_OPERATION);
        // The entry's answer may come from the leader before this node has applied it, and so written the file.
        RaftFutures.await(awaitApplied.apply(index), RaftNode.LONG_OPERATION);
        Path file = spool.take(backupId);
        try {
            long size = Files.size(file);
            logger.info("Backup {} at index {}: copying {} bytes out", backupId, index, size);
            try (InputStream state = new Progress(new BufferedInputStream(Files.newInputStream(file), COPY_BUFFER),
                    "Backup " + backupId + ": copied", size)) {
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

    long restoreFrom(InputStream in) throws IOException {
        String restoreId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        RaftBackup.Streamed backup = RaftBackup.open(in);
        Path file = spool.newFile("restore-" + restoreId);
        try {
            MessageDigest digest = StagedRestore.newSha256();
            try (OutputStream copy = new DigestOutputStream(Files.newOutputStream(file), digest)) {
                // Reading the state to its end verifies the backup's checksum: nothing enters the log before.
                new Progress(backup.state(), "Restore " + restoreId + ": received", backup.stateLength())
                    .transferTo(copy);
            }
            logger.info("Restore {}: the backup of node '{}' at index {} ({} bytes) is verified; staging it in "
                    + "chunks of {} bytes", restoreId, backup.nodeId(), backup.index(), backup.stateLength(),
                    chunkSize);
            long index = stage(restoreId, file, backup.stateLength(), digest.digest());
            logger.info("Restore {} took effect at index {} after {} ms", restoreId, index,
                    (System.nanoTime() - started) / 1_000_000);
            return index;
        }
        finally {
            BackupSpool.deleteQuietly(file);
        }
    }

    /**
     * BEGIN, the CHUNKs a few in flight, then COMMIT. A chunk whose answer fails (a leader change, a timeout) is sent
     * again with those after it: a chunk already staged is accepted again without effect, so a retry is safe.
     */
    private long stage(String restoreId, Path file, long length, byte[] sha256) throws IOException {
        byte[] begin = StagedRestore.beginEntry(restoreId, length, sha256);
        retrying("begin", () -> RaftFutures.await(append.apply(StagedRestore.BEGIN, begin), RaftNode.LONG_OPERATION));
        long chunks = (length + chunkSize - 1) / chunkSize;
        long lastLog = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int next = 0;
            int failuresHere = 0;
            while (next < chunks) {
                Deque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
                for (int sequence = next; sequence < chunks && inFlight.size() < CHUNKS_IN_FLIGHT; sequence++) {
                    inFlight.addLast(append.apply(StagedRestore.CHUNK, chunkEntry(restoreId, channel, sequence)));
                }
                RuntimeException failure = null;
                while (!inFlight.isEmpty()) {
                    CompletableFuture<Long> step = inFlight.removeFirst();
                    if (failure != null) {
                        step.exceptionally(error -> null);
                        continue;
                    }
                    try {
                        RaftFutures.await(step, RaftNode.LONG_OPERATION);
                        next++;
                        failuresHere = 0;
                    }
                    catch (RuntimeException ex) {
                        failure = ex;
                    }
                }
                if (failure != null) {
                    if (++failuresHere > MAX_RETRIES) {
                        throw failure;
                    }
                    logger.info("Restore {}: chunk {} failed ({}); sending it again with those after it", restoreId,
                            next, failure.getMessage());
                    pause();
                }
                if (System.nanoTime() - lastLog >= PROGRESS_EVERY_NANOS) {
                    lastLog = System.nanoTime();
                    logger.info("Restore {}: staged {} of {} chunks ({}%)", restoreId, next, chunks, next * 100 / chunks);
                }
            }
        }
        return RaftFutures.await(append.apply(StagedRestore.COMMIT, StagedRestore.commitEntry(restoreId)),
                RaftNode.LONG_OPERATION);
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

    private void retrying(String what, Runnable step) {
        for (int attempt = 0;; attempt++) {
            try {
                step.run();
                return;
            }
            catch (RuntimeException ex) {
                if (attempt >= MAX_RETRIES) {
                    throw ex;
                }
                logger.info("Restore {} failed ({}); sending it again", what, ex.getMessage());
                pause();
            }
        }
    }

    /** Gives the cluster a moment to elect a leader before a retry. */
    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new RaftException(RaftException.Reason.TIMEOUT, "Restore interrupted");
        }
    }

    /** Passes bytes through and logs how far it got every few seconds. */
    private static final class Progress extends java.io.FilterInputStream {

        private final String what;

        private final long total;

        private long done;

        private long lastLog = System.nanoTime();

        Progress(InputStream in, String what, long total) {
            super(in);
            this.what = what;
            this.total = total;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int read = super.read(bytes, offset, length);
            if (read > 0) {
                advance(read);
            }
            return read;
        }

        private void advance(int read) {
            done += read;
            long now = System.nanoTime();
            if (now - lastLog >= PROGRESS_EVERY_NANOS) {
                lastLog = now;
                logger.info("{} {} of {} bytes ({}%)", what, done, total, (total > 0) ? done * 100 / total : 100);
            }
        }
    }
}
