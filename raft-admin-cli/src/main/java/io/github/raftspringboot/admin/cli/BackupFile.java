package io.github.raftspringboot.admin.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Checks a backup file before it is sent or kept: the format of {@code io.github.raftspringboot.api.RaftBackup}
 * (docs/operations.md), read here again because the CLI does not depend on the starter. The server verifies the
 * file too; this check spares a damaged file the trip.
 *
 * @param nodeId    the node that took the backup
 * @param index     the log index whose state it holds
 * @param createdAt when it was taken
 * @param size      the size of the file
 * @param sha256    the SHA-256 of the file, lower-case hex
 */
record BackupFile(String nodeId, long index, Instant createdAt, long size, String sha256) {

    private static final byte[] MAGIC = "RAFTSBBK".getBytes(StandardCharsets.US_ASCII);

    private static final int FORMAT_VERSION = 1;

    private static final int DIGEST_BYTES = 32;

    /** A file that is not a valid backup; the message says why. */
    static final class InvalidException extends Exception {

        InvalidException(String message) {
            super(message);
        }
    }

    static BackupFile verify(byte[] file) throws InvalidException {
        if (file.length == 0) {
            throw new InvalidException("not a raft-spring-boot backup: the file is empty");
        }
        if (file.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(file, MAGIC.length), MAGIC)) {
            throw new InvalidException("not a raft-spring-boot backup: the file does not start with the backup "
                    + "header (take backups with 'raftmanager <target> backup <file>' or GET /actuator/raft/backup)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(file, MAGIC.length, file.length - MAGIC.length);
        try {
            int version = buffer.getInt();
            if (version != FORMAT_VERSION) {
                throw new InvalidException("unsupported backup format version " + version + " (this raftmanager "
                        + "reads version " + FORMAT_VERSION + "): use the raftmanager of the version that wrote it");
            }
            int idLength = buffer.getInt();
            if (idLength < 0 || idLength > 1024) {
                throw damaged();
            }
            byte[] id = new byte[idLength];
            buffer.get(id);
            long index = buffer.getLong();
            long created = buffer.getLong();
            long stateLength = buffer.getLong();
            if (stateLength < 0 || stateLength > buffer.remaining() - DIGEST_BYTES) {
                throw truncated();
            }
            int end = buffer.position() + (int) stateLength;
            if (file.length - end > DIGEST_BYTES) {
                throw damaged();
            }
            byte[] expected = newSha256().digest(Arrays.copyOf(file, end));
            if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(file, end, end + DIGEST_BYTES))) {
                throw damaged();
            }
            return new BackupFile(new String(id, StandardCharsets.UTF_8), index, Instant.ofEpochMilli(created),
                    file.length, HexFormat.of().formatHex(newSha256().digest(file)));
        }
        catch (java.nio.BufferUnderflowException ex) {
            throw truncated();
        }
    }

    private static InvalidException truncated() {
        return new InvalidException("the backup is truncated: the file ends before its declared length (was the copy "
                + "or download interrupted?) or the file is damaged");
    }

    private static InvalidException damaged() {
        return new InvalidException("checksum mismatch: the backup file is damaged");
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
    }
}
