package io.github.raftspringboot.engine.atomix;

import java.io.File;

import io.atomix.protocols.raft.storage.RaftStorage;

import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * Where a node keeps its log and snapshots: the state directory, or for a node in memory a scratch directory that
 * is created with it and deleted when it stops ({@link ScratchDirectory}).
 */
final class NodeStorage {

    private final RaftNodeSettings settings;

    /** The directory of a node in memory; {@code null} for disk storage. */
    private final ScratchDirectory scratch;

    NodeStorage(RaftNodeSettings settings) {
        this.settings = settings;
        this.scratch = settings.inMemory() ? ScratchDirectory.create(settings.nodeId()) : null;
    }

    /** Where this node's log and snapshots are: the state directory, or the scratch directory of a memory node. */
    File directory() {
        return (scratch == null) ? settings.stateDir().toFile() : scratch.file();
    }

    /** Atomix's storage in that directory ({@link RaftStorageFactory}). */
    RaftStorage raftStorage() {
        return (scratch == null) ? RaftStorageFactory.disk(settings)
                : RaftStorageFactory.memory(settings, scratch.file());
    }

    /** Deletes the scratch directory of a node in memory; a state directory stays. */
    void release() {
        if (scratch != null) {
            scratch.delete();
        }
    }
}
