package io.github.raftspringboot.engine.atomix;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The temporary directory Atomix needs even for in-memory storage, deleted when the node stops. */
final class ScratchDirectory {

    private static final Logger logger = LoggerFactory.getLogger(ScratchDirectory.class);

    private final File directory;

    private ScratchDirectory(File directory) {
        this.directory = directory;
    }

    static ScratchDirectory create(String nodeId) {
        try {
            return new ScratchDirectory(Files.createTempDirectory("raft-memory-" + nodeId).toFile());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not create a scratch directory for in-memory Raft storage", ex);
        }
    }

    File file() {
        return directory;
    }

    void delete() {
        File[] leftovers = directory.listFiles();
        if (leftovers != null) {
            for (File file : leftovers) {
                if (!file.delete()) {
                    logger.warn("Could not delete {}", file);
                }
            }
        }
        if (!directory.delete()) {
            logger.warn("Could not delete {}", directory);
        }
    }
}
