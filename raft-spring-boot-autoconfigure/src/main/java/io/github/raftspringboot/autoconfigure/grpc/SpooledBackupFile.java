package io.github.raftspringboot.autoconfigure.grpc;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.backup.proto.BackupMetadata;

/**
 * A backup file in a temporary file, so that the gRPC service streams backups of any size without holding them in
 * memory: its metadata is read from the file's header and its SHA-256 computed from the file.
 */
final class SpooledBackupFile implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(SpooledBackupFile.class);

    private final Path path;

    private SpooledBackupFile(Path path) {
        this.path = path;
    }

    static SpooledBackupFile create() throws IOException {
        return new SpooledBackupFile(Files.createTempFile("raft-backup-", ".raft"));
    }

    Path path() {
        return path;
    }

    InputStream open() throws IOException {
        return new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    }

    /** The metadata of the backup in the file: its header, size and SHA-256 (reads the file once). */
    BackupMetadata metadata() throws IOException {
        RaftBackup.Streamed header;
        try (InputStream in = open()) {
            header = RaftBackup.open(in);
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
        try (InputStream in = new DigestInputStream(open(), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return BackupMetadata.newBuilder()
            .setNodeId(header.nodeId())
            .setIndex(header.index())
            .setCreatedAtMillis(header.createdAt().toEpochMilli())
            .setSize(Files.size(path))
            .setSha256(HexFormat.of().formatHex(digest.digest()))
            .setFormatVersion(RaftBackup.FORMAT_VERSION)
            .build();
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        }
        catch (IOException ex) {
            logger.warn("Could not delete the temporary backup file {}: {}", path, ex.toString());
        }
    }
}
