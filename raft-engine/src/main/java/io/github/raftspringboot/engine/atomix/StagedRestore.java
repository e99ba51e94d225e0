package io.github.raftspringboot.engine.atomix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.service.BackupInput;
import io.atomix.primitive.service.BackupOutput;

import io.github.raftspringboot.api.ReplicatedStateMachine;

/**
 * The replicated side of a restore: applies its entries. Restores now send the backup to the members as a file and
 * commit it with one {@link #COMMIT_FILE} entry ({@link FileRestoreCommit}). Logs of earlier versions may hold
 * restores staged through the log (BEGIN, CHUNKs, COMMIT), applied as before ({@link LogStagedBackup}). Every
 * outcome depends on the log only, so every node reaches the same state; failures are answered as messages, never
 * thrown. What is staged, and the last restore committed, are replicated state too: they travel in Atomix
 * snapshots ({@link #writeTo}/{@link #readFrom}).
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

    private final LogStagedBackup staged;

    /** The last restore committed: its entry sent again (its answer lost in a leader change) is answered as done. */
    private String committedId;

    /** How a file restore's commit entry is applied; null where restores are staged only (tests). */
    private final FileRestoreCommit fileCommit;

    StagedRestore(ReplicatedStateMachine stateMachine, Path spoolDirectory) {
        this(stateMachine, spoolDirectory, null, () -> true, failure -> {
            throw failure;
        });
    }

    StagedRestore(ReplicatedStateMachine stateMachine, Path spoolDirectory, RestoreFileTransfers files,
            BooleanSupplier running, Consumer<RuntimeException> onLocalFault) {
        this.staged = new LogStagedBackup(stateMachine, spoolDirectory);
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
                error = staged.chunk(restoreId, buffer);
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
        if (staged.isStaging(restoreId) || restoreId.equals(committedId)) {
            // Sent again after its answer was lost (a leader change): keep what is staged.
            return null;
        }
        staged.begin(restoreId, buffer);
        return null;
    }

    private String commit(String restoreId) {
        if (restoreId.equals(committedId)) {
            // Sent again after its answer was lost: the restore took effect at the first COMMIT.
            return null;
        }
        String error = staged.commit(restoreId);
        if (error == null) {
            committedId = restoreId;
        }
        return error;
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
            staged.abandonFor(restoreId);
        }
        return error;
    }

    /** Whether a restore staged a chunk (or began) within {@code window}; from any thread. */
    boolean stagedWithin(Duration window) {
        return staged.stagedWithin(window);
    }

    /** Writes the staging state after the state machine's own snapshot. */
    void writeTo(BackupOutput output) {
        output.writeInt(SECTION_MARKER);
        staged.writeTo(output);
        output.writeInt(COMMITTED_MARKER);
        output.writeBoolean(committedId != null);
        if (committedId != null) {
            output.writeString(committedId);
        }
    }

    /** Reads what {@link #writeTo} wrote; a snapshot without the section has nothing staged. */
    void readFrom(BackupInput input) {
        staged.clear();
        committedId = null;
        if (input.remaining() < Integer.BYTES || input.readInt() != SECTION_MARKER) {
            return;
        }
        staged.readFrom(input);
        // Snapshots written before the committed restore was kept end here.
        if (input.remaining() >= Integer.BYTES + 1 && input.readInt() == COMMITTED_MARKER && input.readBoolean()) {
            committedId = input.readString();
        }
    }
}
