package io.github.raftspringboot.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A consistent copy of the replicated state, taken by {@link RaftNode#backup()} and given back to
 * {@link RaftNode#restore(RaftBackup)}. It holds the state machine's data only: cluster membership and member
 * addresses belong to the cluster it is restored into.
 * <p>
 * File format, version {@value #FORMAT_VERSION} (all numbers big-endian):
 * <pre>
 * 8 bytes   magic "RAFTSBBK"
 * int       format version (1)
 * int       length of the node id, then the node id in UTF-8
 * long      log index the state reflects
 * long      creation time, milliseconds since the epoch
 * long      length of the state, then the state machine's snapshot bytes
 * 32 bytes  SHA-256 of every byte above
 * </pre>
 */
public final class RaftBackup {

    /** The format version {@link #writeTo} writes and {@link #readFrom} reads. */
    public static final int FORMAT_VERSION = 1;

    /** The length of the checksum that ends a backup file: the SHA-256 of every byte before it. */
    public static final int CHECKSUM_BYTES = 32;

    private final String nodeId;

    private final long index;

    private final Instant createdAt;

    private final byte[] state;

    /**
     * @param nodeId    the node that took the backup
     * @param index     the log index whose state it holds
     * @param createdAt when it was taken
     * @param state     the state machine's snapshot bytes (not copied: do not change them afterwards)
     */
    public RaftBackup(String nodeId, long index, Instant createdAt, byte[] state) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.index = index;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.state = Objects.requireNonNull(state, "state");
    }

    /** The node that took the backup. */
    public String nodeId() {
        return nodeId;
    }

    /** The log index whose state the backup holds. */
    public long index() {
        return index;
    }

    /** When the backup was taken (millisecond precision once written to a file). */
    public Instant createdAt() {
        return createdAt;
    }

    /** The state machine's snapshot bytes; the array is shared, do not change it. */
    public byte[] state() {
        return state;
    }

    /** Writes the backup in the file format above; does not close {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        write(out, nodeId, index, createdAt, state.length, new java.io.ByteArrayInputStream(state));
    }

    /**
     * Writes a backup in the file format above from a stream of state bytes, without holding them in memory: the
     * header, then {@code stateLength} bytes copied from {@code state}, then the SHA-256 of everything. Does not close
     * either stream.
     *
     * @throws IOException if {@code state} ends before {@code stateLength} bytes, or a stream fails
     */
    public static void write(OutputStream out, String nodeId, long index, Instant createdAt, long stateLength,
            InputStream state) throws IOException {
        BackupFileFormat.write(out, nodeId, index, createdAt, stateLength, state);
    }

    /** The backup as the bytes of a file. */
    public byte[] toByteArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(state.length + 128);
        try {
            writeTo(out);
        }
        catch (IOException ex) {
            throw new IllegalStateException("Writing to memory cannot fail", ex);
        }
        return out.toByteArray();
    }

    /**
     * Reads and verifies a backup written by {@link #writeTo}. Reads exactly one backup; bytes after it are left
     * in the stream. Holds the state in memory: use {@link #open} for backups of any size.
     *
     * @throws InvalidBackupException if the bytes are not a backup, are cut short, or fail the checksum
     * @throws IOException            if the stream cannot be read
     */
    public static RaftBackup readFrom(InputStream in) throws IOException {
        Streamed streamed = open(in);
        if (streamed.stateLength() > Integer.MAX_VALUE - 16) {
            // Most likely a damaged length field; a genuine backup this large must be restored as a stream.
            throw new InvalidBackupException("checksum mismatch: the backup file is damaged (or it holds "
                    + streamed.stateLength() + " bytes of state, more than fits in memory at once: restore it as a "
                    + "stream with RaftNode.restoreFrom)");
        }
        byte[] state = streamed.state().readAllBytes();
        return new RaftBackup(streamed.nodeId(), streamed.index(), streamed.createdAt(), state);
    }

    /**
     * Reads and checks the header of a backup and gives its state as a stream, without holding it in memory. The
     * stream gives exactly {@link Streamed#stateLength()} bytes; the checksum is verified when it is read to its end
     * (reading past the last state byte throws {@link InvalidBackupException} if the backup is truncated or damaged),
     * so a consumer must not act on the state before it has read it whole. Does not close {@code in}.
     *
     * @throws InvalidBackupException if the header is not a backup's, or is cut short
     */
    public static Streamed open(InputStream in) throws IOException {
        return BackupFileFormat.open(in);
    }

    /** Reads and verifies a backup from the bytes of a file. */
    public static RaftBackup fromByteArray(byte[] bytes) throws InvalidBackupException {
        try {
            return readFrom(new java.io.ByteArrayInputStream(bytes));
        }
        catch (InvalidBackupException ex) {
            throw ex;
        }
        catch (IOException ex) {
            // A ByteArrayInputStream does not fail.
            throw new IllegalStateException("Reading from memory cannot fail", ex);
        }
    }

    /** The SHA-256 of {@code bytes} in lower-case hex, as printed for backup files. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(BackupFileFormat.sha256().digest(bytes));
    }

    @Override
    public String toString() {
        return "RaftBackup[node=" + nodeId + ", index=" + index + ", createdAt=" + createdAt + ", stateBytes="
                + state.length + "]";
    }

    /**
     * A backup being read as a stream: its header, and its state.
     *
     * @param nodeId      the node that took the backup
     * @param index       the log index whose state it holds
     * @param createdAt   when it was taken
     * @param stateLength how many bytes of state follow
     * @param state       the state bytes; reading past the last one verifies the checksum
     */
    public record Streamed(String nodeId, long index, Instant createdAt, long stateLength, InputStream state) {
    }
}
