package io.github.raftspringboot.engine.atomix;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.atomix.protocols.raft.storage.RaftStorage;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import io.atomix.protocols.raft.storage.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atomix's snapshot store, recording a checksum of each snapshot file once it is complete (taken here or installed
 * from the leader), for {@link StorageIntegrityCheck} to verify at the next start. Checksums of snapshots Atomix
 * has since deleted are deleted with them.
 */
final class ChecksummedSnapshotStore extends SnapshotStore {

    private static final Logger logger = LoggerFactory.getLogger(ChecksummedSnapshotStore.class);

    /** Null while the superclass constructor loads the existing snapshots, which already have their checksums. */
    private final RaftStorage raftStorage;

    ChecksummedSnapshotStore(RaftStorage storage) {
        super(storage);
        this.raftStorage = storage;
    }

    @Override
    protected synchronized void completeSnapshot(Snapshot snapshot) {
        super.completeSnapshot(snapshot);
        if (raftStorage == null || !snapshot.isPersisted()) {
            return;
        }
        Path file = snapshotFile(raftStorage, snapshot.index());
        try {
            if (Files.exists(file)) {
                SnapshotChecksums.write(file);
            }
            deleteOrphanedChecksums(raftStorage.directory().toPath());
        }
        catch (IOException ex) {
            // The snapshot itself is complete; without its checksum it is only unverified at the next start.
            logger.warn("Could not record the checksum of snapshot {}: {}", file, ex.toString());
        }
    }

    static Path snapshotFile(RaftStorage storage, long index) {
        return new File(storage.directory(), storage.prefix() + "-" + index + ".snapshot").toPath();
    }

    private static void deleteOrphanedChecksums(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path checksum : files.filter(f -> f.getFileName().toString().endsWith(SnapshotChecksums.SUFFIX))
                .toList()) {
                String name = checksum.getFileName().toString();
                Path snapshot = checksum
                    .resolveSibling(name.substring(0, name.length() - SnapshotChecksums.SUFFIX.length()));
                if (!Files.exists(snapshot)) {
                    Files.deleteIfExists(checksum);
                }
            }
        }
        catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }
}
