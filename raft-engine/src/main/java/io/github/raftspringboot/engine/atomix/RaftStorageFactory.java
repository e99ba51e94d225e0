package io.github.raftspringboot.engine.atomix;

import java.io.File;

import io.atomix.protocols.raft.storage.RaftStorage;
import io.atomix.storage.StorageLevel;

import io.github.raftspringboot.engine.RaftNodeSettings;

/** Builds Atomix's log, snapshot and metadata storage for the node's settings. */
final class RaftStorageFactory {

    static final String PREFIX = "raft";

    private RaftStorageFactory() {
    }

    /**
     * Segments are memory-mapped: Atomix's FileChannel reader refills a buffer of twice the maximum entry size on
     * nearly every read at the tail of the log, which made each write cost milliseconds. Disk storage flushes on commit (once {@link CommitFlush} has passed the
     * setting on to the journal); followers additionally flush before acknowledging an append (see
     * {@code AtomixRaftEngine}), so an acknowledged write is on disk on a majority. The files are checked first
     * ({@link StorageIntegrityCheck}).
     */
    static RaftStorage disk(RaftNodeSettings settings) {
        new StorageIntegrityCheck(settings.stateDir(), PREFIX, settings.maxEntrySize(), settings.nodeId()).run();
        SegmentPadding.padAll(settings.stateDir(), PREFIX, settings.segmentSize(), settings.maxEntrySize());
        return RaftStorage.builder()
            .withPrefix(PREFIX)
            .withDirectory(settings.stateDir().toFile())
            .withStorageLevel(StorageLevel.MAPPED)
            .withNamespace(LogNamespace.RAFT_STORAGE)
            .withMaxEntrySize(settings.maxEntrySize())
            .withMaxSegmentSize(settings.segmentSize())
            .withFlushOnCommit(true)
            .withDynamicCompaction(true)
            .build();
    }

    /**
     * Memory storage: snapshots and metadata stay on the heap, but Atomix's journal always writes segment files,
     * so the log goes to a scratch directory that the engine deletes when it stops; {@code raft.state-dir} is
     * never touched.
     */
    static RaftStorage memory(RaftNodeSettings settings, File scratchDirectory) {
        return RaftStorage.builder()
            .withPrefix(PREFIX)
            .withDirectory(scratchDirectory)
            .withStorageLevel(StorageLevel.MAPPED)
            .withNamespace(LogNamespace.RAFT_STORAGE)
            .withMaxEntrySize(settings.maxEntrySize())
            .withMaxSegmentSize(settings.segmentSize())
            .withFlushOnCommit(false)
            .withDynamicCompaction(true)
            .build();
    }
}
