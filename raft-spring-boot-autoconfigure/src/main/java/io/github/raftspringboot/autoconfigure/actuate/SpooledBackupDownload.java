package io.github.raftspringboot.autoconfigure.actuate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;

/**
 * The web download of a backup: a consistent backup taken on this node, streamed to a temporary file that is deleted
 * once the download has read it. It is never held in memory, so it may be larger than the heap, and it is not cut by
 * the request timeout: it takes as long as the state needs to be written.
 */
final class SpooledBackupDownload {

    private static final Logger logger = LoggerFactory.getLogger(SpooledBackupDownload.class);

    private SpooledBackupDownload() {
    }

    static Resource of(RaftNode node) {
        Path file = null;
        try {
            file = Files.createTempFile("raft-backup-", ".raft");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                node.backupTo(out);
            }
            long size = Files.size(file);
            InputStream in = Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
            return new InputStreamResource(in, "raft backup") {
                @Override
                public long contentLength() {
                    return size;
                }
            };
        }
        catch (IOException ex) {
            deleteQuietly(file);
            throw new RaftException(RaftException.Reason.INTERNAL, "Backup failed: " + ex.getMessage());
        }
        catch (RuntimeException ex) {
            deleteQuietly(file);
            throw ex;
        }
    }

    private static void deleteQuietly(@Nullable Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException ex) {
            logger.warn("Could not delete {}: {}", file, ex.toString());
        }
    }

}
