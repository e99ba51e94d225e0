package io.github.raftspringboot.engine.atomix;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.service.BackupInput;
import io.atomix.primitive.service.BackupOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.ReplicatedStateMachine;

/**
 * The replicated side of a restore: BEGIN announces a backup (id, size, SHA-256), CHUNKs stage its bytes in order,
 * COMMIT verifies them and swaps them into the state machine in one entry. The staged bytes are replicated state
 * too, so they travel in Atomix snapshots ({@link #writeTo}/{@link #readFrom}): a node that installs a snapshot
 * taken mid-restore finishes the restore like every other node. Every outcome depends on the log only, so every
 * node reaches the same state; failures are answered as messages, never thrown.
 */
final class StagedRestore {

    static final OperationId BEGIN = OperationId.command("restore-begin");

    static final OperationId CHUNK = OperationId.command("restore-chunk");

    static final OperationId COMMIT = OperationId.command("restore-commit");

    /** Starts the staging section of a snapshot; snapshots written before restores existed do not have it. */
    private static final int SECTION_MARKER = 0x52535452;

    /** Preallocated at most, whatever size a BEGIN announces. */
    private static final int MAX_PREALLOCATION = 64 << 20;

    private static final Logger logger = LoggerFactory.getLogger(StagedRestore.class);

    private final ReplicatedStateMachine stateMachine;

    private String id;

    private long size;

    private byte[] checksum;

    private int nextChunk;

    private ByteArrayOutputStream staged;

    StagedRestore(ReplicatedStateMachine stateMachine) {
        this.stateMachine = stateMachine;
    }

    boolean handles(OperationId operation) {
        return BEGIN.equals(operation) || CHUNK.equals(operation) || COMMIT.equals(operation);
    }

    /** Applies one restore entry; returns an empty array on success, otherwise the error message in UTF-8. */
    byte[] apply(OperationId operation, byte[] payload) {
        String error;
        try {
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            String restoreId = readId(buffer);
            if (BEGIN.equals(operation)) {
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
            error = "malformed restore entry: " + ex;
        }
        return (error != null) ? error.getBytes(StandardCharsets.UTF_8) : new byte[0];
    }

    private String begin(String restoreId, ByteBuffer buffer) {
        if (id != null) {
            logger.info("Restore {} abandons the unfinished restore {}", restoreId, id);
        }
        long announced = buffer.getLong();
        byte[] sha256 = new byte[buffer.getInt()];
        buffer.get(sha256);
        id = restoreId;
        size = announced;
        checksum = sha256;
        nextChunk = 0;
        staged = new ByteArrayOutputStream((int) Math.min(announced, MAX_PREALLOCATION));
        return null;
    }

    private String chunk(String restoreId, ByteBuffer buffer) {
        String problem = notCurrent(restoreId);
        if (problem != null) {
            return problem;
        }
        int sequence = buffer.getInt();
        if (sequence != nextChunk) {
            return "restore " + restoreId + ": chunk " + sequence + " arrived, chunk " + nextChunk + " was expected";
        }
        if (staged.size() + (long) buffer.remaining() > size) {
            return "restore " + restoreId + ": more bytes than the " + size + " announced";
        }
        staged.write(buffer.array(), buffer.position(), buffer.remaining());
        nextChunk++;
        return null;
    }

    private String commit(String restoreId) {
        String problem = notCurrent(restoreId);
        if (problem != null) {
            return problem;
        }
        if (staged.size() != size) {
            return "restore " + restoreId + " is incomplete: " + staged.size() + " of " + size
                    + " bytes staged; nothing was changed";
        }
        byte[] state = staged.toByteArray();
        if (!MessageDigest.isEqual(checksum, sha256(state))) {
            clear();
            return "restore " + restoreId + ": checksum mismatch of the staged bytes; nothing was changed";
        }
        clear();
        try {
            stateMachine.restore(new ByteArrayInputStream(state));
            return null;
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("The state machine refused restore {}: {}", restoreId, ex.toString());
            return "the state machine cannot read this backup (was it taken from another kind of application?): "
                    + ex.getMessage();
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
        id = null;
        size = 0;
        checksum = null;
        nextChunk = 0;
        staged = null;
    }

    /** Writes the staging state after the state machine's own snapshot. */
    void writeTo(BackupOutput output) {
        output.writeInt(SECTION_MARKER);
        output.writeBoolean(id != null);
        if (id != null) {
            byte[] bytes = staged.toByteArray();
            output.writeString(id)
                .writeLong(size)
                .writeInt(checksum.length)
                .write(checksum)
                .writeInt(nextChunk)
                .writeInt(bytes.length)
                .write(bytes);
        }
    }

    /** Reads what {@link #writeTo} wrote; a snapshot without the section has nothing staged. */
    void readFrom(BackupInput input) {
        clear();
        if (input.remaining() < Integer.BYTES || input.readInt() != SECTION_MARKER || !input.readBoolean()) {
            return;
        }
        id = input.readString();
        size = input.readLong();
        checksum = input.readBytes(input.readInt());
        nextChunk = input.readInt();
        byte[] bytes = input.readBytes(input.readInt());
        staged = new ByteArrayOutputStream(Math.max(bytes.length, (int) Math.min(size, MAX_PREALLOCATION)));
        staged.writeBytes(bytes);
    }

    // ---- entry payloads, built by the engine ----

    static byte[] beginEntry(String restoreId, byte[] state) {
        byte[] sha256 = sha256(state);
        return withId(restoreId, Long.BYTES + Integer.BYTES + sha256.length).putLong(state.length)
            .putInt(sha256.length)
            .put(sha256)
            .array();
    }

    static byte[] chunkEntry(String restoreId, int sequence, byte[] state, int offset, int length) {
        return withId(restoreId, Integer.BYTES + length).putInt(sequence).put(state, offset, length).array();
    }

    static byte[] commitEntry(String restoreId) {
        return withId(restoreId, 0).array();
    }

    private static ByteBuffer withId(String restoreId, int rest) {
        byte[] id = restoreId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Short.BYTES + id.length + rest).putShort((short) id.length).put(id);
    }

    private static String readId(ByteBuffer buffer) {
        byte[] id = new byte[buffer.getShort()];
        buffer.get(id);
        return new String(id, StandardCharsets.UTF_8);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
    }
}
