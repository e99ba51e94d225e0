package io.github.raftspringboot.api;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
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

    private static final byte[] MAGIC = "RAFTSBBK".getBytes(StandardCharsets.US_ASCII);

    private static final int MAX_NODE_ID_BYTES = 1024;

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
        MessageDigest digest = sha256();
        DataOutputStream data = new DataOutputStream(new DigestOutputStream(out, digest));
        byte[] id = nodeId.getBytes(StandardCharsets.UTF_8);
        data.write(MAGIC);
        data.writeInt(FORMAT_VERSION);
        data.writeInt(id.length);
        data.write(id);
        data.writeLong(index);
        data.writeLong(createdAt.toEpochMilli());
        data.writeLong(state.length);
        data.write(state);
        data.flush();
        out.write(digest.digest());
        out.flush();
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
     * in the stream.
     *
     * @throws InvalidBackupException if the bytes are not a backup, are cut short, or fail the checksum
     * @throws IOException            if the stream cannot be read
     */
    public static RaftBackup readFrom(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        DataInputStream data = new DataInputStream(new DigestInputStream(in, digest));
        try {
            byte[] magic = new byte[MAGIC.length];
            int read = data.readNBytes(magic, 0, magic.length);
            if (read == 0) {
                throw new InvalidBackupException("not a raft-spring-boot backup: the file is empty");
            }
            if (read < magic.length || !Arrays.equals(magic, MAGIC)) {
                throw new InvalidBackupException("not a raft-spring-boot backup: the file does not start with the "
                        + "backup header (take backups with 'raftmanager <target> backup <file>' or "
                        + "GET /actuator/raft/backup)");
            }
            int version = data.readInt();
            if (version != FORMAT_VERSION) {
                throw new InvalidBackupException("unsupported backup format version " + version + " (this version "
                        + "reads version " + FORMAT_VERSION + "): restore it with the raft-spring-boot version that "
                        + "wrote it, or a newer one");
            }
            int idLength = data.readInt();
            if (idLength < 0 || idLength > MAX_NODE_ID_BYTES) {
                throw damaged();
            }
            String id = new String(data.readNBytes(idLength), StandardCharsets.UTF_8);
            long index = data.readLong();
            long created = data.readLong();
            long length = data.readLong();
            if (length < 0 || length > Integer.MAX_VALUE - 16) {
                throw damaged();
            }
            byte[] state = data.readNBytes((int) length);
            if (state.length < length) {
                throw truncated();
            }
            byte[] expected = digest.digest();
            byte[] actual = in.readNBytes(expected.length);
            if (actual.length < expected.length) {
                throw truncated();
            }
            if (!MessageDigest.isEqual(expected, actual)) {
                throw damaged();
            }
            return new RaftBackup(id, index, Instant.ofEpochMilli(created), state);
        }
        catch (EOFException ex) {
            throw truncated();
        }
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
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    @Override
    public String toString() {
        return "RaftBackup[node=" + nodeId + ", index=" + index + ", createdAt=" + createdAt + ", stateBytes="
                + state.length + "]";
    }

    private static InvalidBackupException truncated() {
        return new InvalidBackupException("the backup is truncated: the file ends before its declared length (was "
                + "the copy or download interrupted?) or the file is damaged");
    }

    private static InvalidBackupException damaged() {
        return new InvalidBackupException("checksum mismatch: the backup file is damaged");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
    }
}
