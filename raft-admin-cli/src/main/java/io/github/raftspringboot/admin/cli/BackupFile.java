package io.github.raftspringboot.admin.cli;

import java.io.BufferedInputStream;
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
 * A backup file the CLI has checked before it is sent or kept, read with the server's own format implementation
 * ({@link RaftBackup}) as a stream, so that a backup of any size is checked without being held in memory. The server
 * verifies the file too; this check spares a damaged file the trip.
 *
 * @param nodeId    the node that took the backup
 * @param index     the log index whose state it holds
 * @param createdAt when it was taken
 * @param size      the size of the file
 * @param sha256    the SHA-256 of the file, lower-case hex
 */
record BackupFile(String nodeId, long index, Instant createdAt, long size, String sha256) {

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
}
