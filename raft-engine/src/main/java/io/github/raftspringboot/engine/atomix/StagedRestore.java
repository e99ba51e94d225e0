package io.github.raftspringboot.engine.atomix;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.service.BackupInput;
import io.atomix.primitive.service.BackupOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.ReplicatedStateMachine;

/**
 * The replicated side of a restore. Restores now send the backup to the members as a file and commit it with one
 * {@link #COMMIT_FILE} entry ({@link FileRestoreCommit}). Logs of earlier versions may hold restores staged through the
 * log, applied here as before: BEGIN announces a backup (id, size, SHA-256), CHUNKs stage its bytes in order,
 * COMMIT verifies them and swaps them into the state machine in one entry. The staged bytes are replicated state
 * too, so they travel in Atomix snapshots ({@link #writeTo}/{@link #readFrom}): a node that installs a snapshot
 * taken mid-restore finishes the restore like every other node. Every outcome depends on the log only, so every
 * node reaches the same state; failures are answered as messages, never thrown. The staged bytes are kept in a
 * file of the node's spool directory, not in the heap, so a backup may be larger than the heap.
 */
final class StagedRestore {

    static final OperationId BEGIN = OperationId.command("restore-begin");

    static final OperationId CHUNK = OperationId.command("restore-chunk");

    static final OperationId COMMIT = OperationId.command("restore-commit");

    /**
     * A restore whose backup every member got as a file before the entry ({@link RestoreFiles}): the entry carries the
     * file's id, size and SHA-256, and each node applies it from its own copy, asking the others for it if it lacks it.
     */
    static final OperationId COMMIT_FILE = OperationId.command("restore-commit-file");

    /** Starts the staging section of a snapshot; snapshots written before restores existed do not have it. */
    private static final int SECTION_MARKER = 0x52535452;

    /** Starts the last committed restore's id, after the staging section. */
    private static final int COMMITTED_MARKER = 0x52535443;

    private static final int COPY_BUFFER = 64 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(StagedRestore.class);

    private final ReplicatedStateMachine stateMachine;

    private String id;

    private long size;

    private byte[] checksum;

    private int nextChunk;

    /** The staged bytes: appended to by CHUNKs, while a restore is under way. */
    private final Path stagedFile;

    private OutputStream staged;

    private long stagedSize;

    /** The last restore committed: its COMMIT sent again (its answer lost in a leader change) is answered as done. */
    private String committedId;

    /** {@link System#nanoTime} of the last BEGIN or chunk staged, 0 when nothing is staged; read from other threads. */
    private volatile long lastStaged;

    /** How a file restore's commit entry is applied; null where restores are staged only (tests). */
    private final FileRestoreCommit fileCommit;

    StagedRestore(ReplicatedStateMachine stateMachine, Path spoolDirectory) {
        this(stateMachine, spoolDirectory, null, () -> true, failure -> {
            throw failure;
        });
    }

    StagedRestore(ReplicatedStateMachine stateMachine, Path spoolDirectory, RestoreFileTransfers files,
            BooleanSupplier running, Consumer<RuntimeException> onLocalFault) {
        this.stateMachine = stateMachine;
        this.stagedFile = spoolDirectory.resolve("restore-staged.bin");
        this.fileCommit = (files != null) ? new FileRestoreCommit(stateMachine, files, running, onLocalFault) : null;
    }

    boolean handles(OperationId operation) {
        return BEGIN.equals(operation) || CHUNK.equals(operation) || COMMIT.equals(operation)
                || COMMIT_FILE.equals(operation);
    }

    /** Whether an entry was left unapplied: the state is not the log's, no snapshot may be written. */
    boolean incomplete() {
        return fileCommit != null && fileCommit.incomplete();
    }

    /** Applies one restore entry; returns an empty array on success, otherwise the error message in UTF-8. */
    byte[] apply(long index, OperationId operation, byte[] payload) {
        String error;
        try {
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            String restoreId = RestoreEntries.readId(buffer);
            if (COMMIT_FILE.equals(operation)) {
                error = commitFile(index, restoreId, buffer);
            }
            else if (BEGIN.equals(operation)) {
                error = begin(restoreId, buffer);
            }
            else if (CHUNK.equals(operation)) {
                error = chunk(restoreId, buffer);
            }
            else {
                error = commit(restoreId);
            }
        }
        catch (RuntimeException ex) {
            if (incomplete()) {
                throw ex;
            }
            error = "malformed restore entry: " + ex;
        }
        return (error != null) ? error.getBytes(StandardCharsets.UTF_8) : new byte[0];
    }

    private String begin(String restoreId, ByteBuffer buffer) {
        if (restoreId.equals(id) || restoreId.equals(committedId)) {
            // Sent again after its answer was lost (a leader change): keep what is staged.
            return null;
        }
        if (id != null) {
            logger.info("Restore {} abandons the unfinished restore {}", restoreId, id);
        }
        long announced = buffer.getLong();
        byte[] sha256 = new byte[buffer.getInt()];
        buffer.get(sha256);
        clear();
        id = restoreId;
        size = announced;
        checksum = sha256;
        nextChunk = 0;
        staged = openStaging();
        lastStaged = System.nanoTime();
        logger.info("Restore {}: staging {} bytes in {}", restoreId, announced, stagedFile);
        return null;
    }

    private String chunk(String restoreId, ByteBuffer buffer) {
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

    private String commit(String restoreId) {
        if (restoreId.equals(committedId)) {
            // Sent again after its answer was lost: the restore took effect at the first COMMIT.
            return null;
        }
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
                clear();
                return "restore " + restoreId + ": checksum mismatch of the staged bytes; nothing was changed";
            }
            long started = System.nanoTime();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(stagedFile), COPY_BUFFER)) {
                stateMachine.restore(in);
            }
            logger.info("Restore {}: the state machine read {} bytes in {} ms", restoreId, size,
                    (System.nanoTime() - started) / 1_000_000);
            committedId = restoreId;
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

    /** Applies a file restore: from this node's copy of the backup, obtained from another member if need be. */
    private String commitFile(long index, String restoreId, ByteBuffer buffer) {
        long announced = buffer.getLong();
        byte[] sha256 = new byte[buffer.getInt()];
        buffer.get(sha256);
        if (restoreId.equals(committedId)) {
            // Sent again after its answer was lost: the restore took effect at the first entry.
            return null;
        }
        if (fileCommit == null || !RestoreFiles.validId(restoreId)) {
            return "restore " + restoreId + " cannot be applied from a file here; nothing was changed";
        }
        String error = fileCommit.apply(index, restoreId, announced, sha256);
        if (error == null) {
            committedId = restoreId;
            if (id != null) {
                logger.info("Restore {} abandons the unfinished restore {}", restoreId, id);
                clear();
            }
        }
        return error;
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

    private String notCurrent(String restoreId) {
        if (restoreId.equals(id)) {
            return null;
        }
        return "restore " + restoreId + " is unknown: another restore started since"
                + ((id != null) ? " (" + id + ")" : ", or it was already committed") + "; nothing was changed";
    }

    private void clear() {
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

    /** Whether a restore staged a chunk (or began) within {@code window}; from any thread. */
    boolean stagedWithin(Duration window) {
        long last = lastStaged;
        return last != 0 && System.nanoTime() - last < window.toNanos();
    }

    /** Writes the staging state after the state machine's own snapshot. */
    void writeTo(BackupOutput output) {
        output.writeInt(SECTION_MARKER);
        output.writeBoolean(id != null);
        if (id != null) {
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
                            throw new IOException("the staging file is shorter than the " + stagedSize
                                    + " bytes staged");
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
        output.writeInt(COMMITTED_MARKER);
        output.writeBoolean(committedId != null);
        if (committedId != null) {
            output.writeString(committedId);
        }
    }

    /** Reads what {@link #writeTo} wrote; a snapshot without the section has nothing staged. */
    void readFrom(BackupInput input) {
        clear();
        committedId = null;
        if (input.remaining() < Integer.BYTES || input.readInt() != SECTION_MARKER) {
            return;
        }
        if (input.readBoolean()) {
            readStaged(input);
        }
        // Snapshots written before the committed restore was kept end here.
        if (input.remaining() >= Integer.BYTES + 1 && input.readInt() == COMMITTED_MARKER && input.readBoolean()) {
            committedId = input.readString();
        }
    }

    private void readStaged(BackupInput input) {
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
}
