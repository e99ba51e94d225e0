package io.github.raftspringboot.admin.cli;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import io.github.raftspringboot.api.InvalidBackupException;
import io.github.raftspringboot.api.RaftBackup;

/**
 * A backup file the CLI has checked before it is kept, or while it is sent, read with the server's own format
 * implementation ({@link RaftBackup}) as a stream, so that a backup of any size is checked without being held in
 * memory. The server verifies the file too; this check spares a damaged file the restore.
 *
 * @param nodeId    the node that took the backup
 * @param index     the log index whose state it holds
 * @param createdAt when it was taken
 * @param size      the size of the file
 * @param sha256    the SHA-256 of the file, lower-case hex
 */
record BackupFile(String nodeId, long index, Instant createdAt, long size, String sha256) {

    /**
     * A backup file's header, read and checked, and the file's size checked against it: what can be known without
     * reading the whole file. {@code restore} checks the rest (the checksum) while it sends the file.
     *
     * @param size the size of the file, as its header announces it
     */
    record Header(String nodeId, long index, Instant createdAt, long size) {
    }

    /**
     * @throws InvalidBackupException if the header is not a backup's, or the file is shorter or longer than it says
     * @throws IOException            if it cannot be read
     */
    static Header header(Path file) throws IOException {
        try (CountingStream in = new CountingStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            RaftBackup.Streamed backup = RaftBackup.open(in);
            long announced = in.count + backup.stateLength() + RaftBackup.CHECKSUM_BYTES;
            long actual = Files.size(file);
            if (actual < announced) {
                throw new InvalidBackupException("the backup is truncated: the file has " + actual + " bytes, its "
                        + "header announces " + announced + " (was the copy or download interrupted?)");
            }
            if (actual > announced) {
                throw new InvalidBackupException("the file has bytes after the end of the backup: it is damaged");
            }
            return new Header(backup.nodeId(), backup.index(), backup.createdAt(), actual);
        }
    }

    /**
     * @throws InvalidBackupException saying why the file is not a valid backup
     * @throws IOException            if it cannot be read
     */
    static BackupFile verify(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16),
                digest)) {
            RaftBackup.Streamed backup = RaftBackup.open(in);
            // Reading the state to its end verifies the backup's own checksum.
            backup.state().transferTo(OutputStream.nullOutputStream());
            if (in.read() >= 0) {
                throw new InvalidBackupException("the file has bytes after the end of the backup: it is damaged");
            }
            return new BackupFile(backup.nodeId(), backup.index(), backup.createdAt(), Files.size(file),
                    HexFormat.of().formatHex(digest.digest()));
        }
    }

    /** Counts the bytes read through it: the header's length, as the backup format reads it without buffering. */
    private static final class CountingStream extends FilterInputStream {

        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int read = super.read(bytes, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }
    }
}
