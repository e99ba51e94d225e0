package io.github.raftspringboot.api;

import static io.github.raftspringboot.api.RaftBackup.FORMAT_VERSION;

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

/**
 * Writes and reads the backup file format that {@link RaftBackup} documents: the header, the state bytes and the
 * SHA-256 that ends the file, and the errors for files that are not backups, are cut short or are damaged.
 */
final class BackupFileFormat {

    private static final byte[] MAGIC = "RAFTSBBK".getBytes(StandardCharsets.US_ASCII);

    private static final int MAX_NODE_ID_BYTES = 1024;

    private static final int COPY_BUFFER = 64 * 1024;

    private BackupFileFormat() {
    }

    /** See {@link RaftBackup#write}. */
    static void write(OutputStream out, String nodeId, long index, Instant createdAt, long stateLength,
            InputStream state) throws IOException {
        MessageDigest digest = sha256();
        DataOutputStream data = new DataOutputStream(new DigestOutputStream(out, digest));
        byte[] id = nodeId.getBytes(StandardCharsets.UTF_8);
        data.write(MAGIC);
        data.writeInt(FORMAT_VERSION);
        data.writeInt(id.length);
        data.write(id);
        data.writeLong(index);
        data.writeLong(createdAt.toEpochMilli());
        data.writeLong(stateLength);
        byte[] buffer = new byte[COPY_BUFFER];
        long remaining = stateLength;
        while (remaining > 0) {
            int read = state.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException("The state ended " + remaining + " bytes before the " + stateLength
                        + " bytes announced in the backup header");
            }
            data.write(buffer, 0, read);
            remaining -= read;
        }
        data.flush();
        out.write(digest.digest());
        out.flush();
    }

    /** See {@link RaftBackup#open}. */
    static RaftBackup.Streamed open(InputStream in) throws IOException {
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
            byte[] idBytes = data.readNBytes(idLength);
            if (idBytes.length < idLength) {
                throw truncated();
            }
            String id = new String(idBytes, StandardCharsets.UTF_8);
            long index = data.readLong();
            long created = data.readLong();
            long length = data.readLong();
            if (length < 0) {
                throw damaged();
            }
            return new RaftBackup.Streamed(id, index, Instant.ofEpochMilli(created), length,
                    new VerifyingStateStream(in, data, digest, length));
        }
        catch (EOFException ex) {
            throw truncated();
        }
    }

    static InvalidBackupException truncated() {
        return new InvalidBackupException("the backup is truncated: the file ends before its declared length (was "
                + "the copy or download interrupted?) or the file is damaged");
    }

    static InvalidBackupException damaged() {
        return new InvalidBackupException("checksum mismatch: the backup file is damaged");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
    }
}
