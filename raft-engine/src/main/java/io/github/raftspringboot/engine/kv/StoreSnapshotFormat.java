package io.github.raftspringboot.engine.kv;

/** The format the key-value store writes its snapshots (and so its backups) in; every format is always read. */
public enum StoreSnapshotFormat {

    /** {@code raft-kv/3} (the default): the records in binary, a fifth smaller than JSON, read in half the time. */
    BINARY,

    /**
     * {@code raft-kv/2}: one JSON object, which versions before the binary format read: for a rolling upgrade from
     * such a version, until every node runs this one.
     */
    JSON
}
