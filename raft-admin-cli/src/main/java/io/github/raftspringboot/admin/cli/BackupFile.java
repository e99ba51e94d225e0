package io.github.raftspringboot.admin.cli;

import io.github.raftspringboot.api.InvalidBackupException;
import io.github.raftspringboot.api.RaftBackup;

/**
 * A backup file the CLI has checked before it is sent or kept, read with the server's own format implementation
 * ({@link RaftBackup}). The server verifies the file too; this check spares a damaged file the trip.
 *
 * @param backup the parsed backup
 * @param size   the size of the file
 * @param sha256 the SHA-256 of the file, lower-case hex
 */
record BackupFile(RaftBackup backup, long size, String sha256) {

    /** @throws InvalidBackupException saying why the bytes are not a valid backup */
    static BackupFile verify(byte[] file) throws InvalidBackupException {
        return new BackupFile(RaftBackup.fromByteArray(file), file.length, RaftBackup.sha256Hex(file));
    }
}
