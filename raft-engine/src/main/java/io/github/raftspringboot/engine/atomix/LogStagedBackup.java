package io.github.raftspringboot.engine.atomix;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;

import io.atomix.primitive.service.BackupInput;
import io.atomix.primitive.service.BackupOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.ReplicatedStateMachine;

/**
 * A backup staged through the log, as restores of earlier versions did (logs may still hold them): BEGIN announces
 * it (id, size, SHA-256), CHUNKs append its bytes in order, COMMIT verifies them and swaps them into the state
 * machine. The bytes are kept in a file of the node's spool directory, not in the heap, and travel in Atomix
 * snapshots, so that a node installing a snapshot taken mid-restore finishes it like the others. Driven by
 * {@link StagedRestore} on the state machine's thread; errors are returned as messages, the same on every node.
 */
final class LogStagedBackup {

    private static final int COPY_BUFFER = 64 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(LogStagedBackup.class);

    private final ReplicatedStateMachine stateMachine;

    /** The staged bytes: appended to by CHUNKs, while a restore is under way. */
    private final Path stagedFile;

    private String id;

    private long size;

    private byte[] checksum;

    private int nextChunk;

    private OutputStream staged;

    private long stagedSize;

    /** {@link System#nanoTime} of the last BEGIN or chunk staged, 0 when nothing is staged; read from other threads. */
    private volatile long lastStaged;

    LogStagedBackup(ReplicatedStateMachine stateMachine, Path spoolDirectory) {
        this.stateMachine = stateMachine;
        this.stagedFile = spoolDirectory.resolve("restore-staged.bin");
    }

    /** Whether {@code restoreId} is the restore being staged. */
    boolean isStaging(String restoreId) {
        return restoreId.equals(id);
    }

    /** Starts staging {@code restoreId}, dropping an unfinished one. */
    void begin(String restoreId, ByteBuffer buffer) {
        if (id != null) {
            logger.info("Restore {} abandons the unfinished restore {}", restoreId, id);
        }
        clear();
        long announced = buffer.getLong();
        byte[] sha256 = new byte[buffer.getInt()];
        buffer.get(sha256);
        id = restoreId;
        size = announced;
        checksum = sha256;
        nextChunk = 0;
        staged = openStaging();
        lastStaged = System.nanoTime();
        logger.info("Restore {}: staging {} bytes in {}", restoreId, announced, stagedFile);
    }

    String chunk(String restoreId, ByteBuffer buffer) {
        String problem = notCurrent(restoreId);
        if (problem != null) {
            return problem;
        }
        int sequence = buffer.getInt();
        if (sequence < nextChunk) {
            // Sent again after its answer was lost (a leader change): the same bytes are staged already.
            return null;
        }
        if (sequence != nextChunk) {
            return "restore " + restoreId + ": chunk " + sequence + " arrived, chunk " + nextChunk + " was expected";
        }
        if (stagedSize + buffer.remaining() > size) {
            return "restore " + restoreId + ": more bytes than the " + size + " announced";
        }
        try {
            staged.write(buffer.array(), buffer.position(), buffer.remaining());
        }
        catch (IOException ex) {
            // The same on every node only if the disks agree: a node whose disk fails cannot stage, and says so.
            logger.warn("Restore {}: could not stage chunk {} in {}: {}", restoreId, sequence, stagedFile, ex.toString());
            clear();
            return "restore " + restoreId + ": could not stage chunk " + sequence + " on disk (" + ex.getMessage()
                    + "); nothing was changed";
        }
        stagedSize += buffer.remaining();
        nextChunk++;
        lastStaged = System.nanoTime();
        return null;
    }

    /** Verifies the staged bytes and restores the state machine from them; null when it took effect. */
    String commit(String restoreId) {
        String problem = notCurrent(restoreId);
        if (problem != null) {
            return problem;
        }
        if (stagedSize != size) {
            return "restore " + restoreId + " is incomplete: " + stagedSize + " of " + size
                    + " bytes staged; nothing was changed";
        }
        try {
            staged.close();
            if (!MessageDigest.isEqual(checksum, Sha256.of(stagedFile))) {
                return "restore " + restoreId + ": checksum mismatch of the staged bytes; nothing was changed";
            }
            long started = System.nanoTime();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(stagedFile), COPY_BUFFER)) {
                stateMachine.restore(in);
            }
            logger.info("Restore {}: the state machine read {} bytes in {} ms", restoreId, size,
                    (System.nanoTime() - started) / 1_000_000);
            return null;
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("The state machine refused restore {}: {}", restoreId, ex.toString());
            return "the state machine cannot read this backup (was it taken from another kind of application?): "
                    + ex.getMessage();
        }
        finally {
            clear();
        }
    }

    /** Drops the unfinished restore, if any, that {@code restoreId} replaces. */
    void abandonFor(String restoreId) {
        if (id != null) {
            logger.info("Restore {} abandons the unfinished restore {}", restoreId, id);
            clear();
        }
    }

    /** Whether a restore staged a chunk (or began) within {@code window}; from any thread. */
    boolean stagedWithin(Duration window) {
        long last = lastStaged;
        return last != 0 && System.nanoTime() - last < window.toNanos();
    }

    /** Writes whether a restore is being staged and, if so, its announcement and the bytes staged so far. */
    void writeTo(BackupOutput output) {
        output.writeBoolean(id != null);
        if (id == null) {
            return;
        }
        output.writeString(id)
            .writeLong(size)
            .writeInt(checksum.length)
            .write(checksum)
            .writeInt(nextChunk)
            .writeInt((int) stagedSize);
        try {
            staged.flush();
            try (InputStream in = Files.newInputStream(stagedFile)) {
                byte[] buffer = new byte[COPY_BUFFER];
                long remaining = stagedSize;
                while (remaining > 0) {
                    int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (read < 0) {
                        throw new IOException("the staging file is shorter than the " + stagedSize + " bytes staged");
                    }
                    output.write(buffer, 0, read);
                    remaining -= read;
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not copy the staged restore into the snapshot", ex);
        }
    }

    /** Reads what {@link #writeTo} wrote, replacing what is staged here. */
    void readFrom(BackupInput input) {
        clear();
        if (!input.readBoolean()) {
            return;
        }
        id = input.readString();
        size = input.readLong();
        checksum = input.readBytes(input.readInt());
        nextChunk = input.readInt();
        int length = input.readInt();
        staged = openStaging();
        byte[] buffer = new byte[COPY_BUFFER];
        try {
            for (int remaining = length; remaining > 0;) {
                int piece = Math.min(buffer.length, remaining);
                input.read(buffer, 0, piece);
                staged.write(buffer, 0, piece);
                remaining -= piece;
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not stage the restore held in the snapshot in " + stagedFile, ex);
        }
        stagedSize = length;
    }

    /** Drops what is staged. */
    void clear() {
        if (staged != null) {
            try {
                staged.close();
            }
            catch (IOException ex) {
                logger.warn("Could not close the restore staging file {}: {}", stagedFile, ex.toString());
            }
        }
        BackupSpool.deleteQuietly(stagedFile);
        id = null;
        size = 0;
        checksum = null;
        nextChunk = 0;
        staged = null;
        stagedSize = 0;
        lastStaged = 0;
    }

    private String notCurrent(String restoreId) {
        if (restoreId.equals(id)) {
            return null;
        }
        return "restore " + restoreId + " is unknown: another restore started since"
                + ((id != null) ? " (" + id + ")" : ", or it was already committed") + "; nothing was changed";
    }

    private OutputStream openStaging() {
        try {
            return Files.newOutputStream(stagedFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not open the restore staging file " + stagedFile, ex);
        }
    }
}
