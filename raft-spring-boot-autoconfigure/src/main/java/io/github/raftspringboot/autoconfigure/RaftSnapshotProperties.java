package io.github.raftspringboot.autoconfigure;

import org.springframework.util.unit.DataSize;

/** Automatic snapshots and log compaction ({@code raft.snapshot.*}); a group of {@link RaftProperties}. */
public class RaftSnapshotProperties {

    /**
     * Size of one log segment file. Once a whole segment lies below the applied index, the node takes a snapshot
     * (checked every 10 seconds, deferred while the node is under high load unless disk or memory runs short)
     * and deletes the segment. Smaller segments mean more frequent snapshots and less disk. Must be larger than
     * raft.limits.max-entry-size.
     */
    private DataSize segmentSize = DataSize.ofMegabytes(32);

    /**
     * Format the key-value store writes its snapshots and backups in: binary ("raft-kv/3", the default, a fifth
     * smaller than JSON and read in about half the time) or json ("raft-kv/2", which versions before the binary
     * format read: set it on the new nodes while a rolling upgrade from such a version is under way). Nodes read both
     * formats whatever this says.
     */
    private Format format = Format.BINARY;

    public Format getFormat() {
        return format;
    }

    public void setFormat(Format format) {
        this.format = format;
    }

    public DataSize getSegmentSize() {
        return segmentSize;
    }

    public void setSegmentSize(DataSize segmentSize) {
        this.segmentSize = segmentSize;
    }

    /** The key-value store's snapshot formats ({@code raft.snapshot.format}). */
    public enum Format {
        /** "raft-kv/3": the records in binary: a fifth smaller than JSON, read in about half the time. */
        BINARY,
        /** "raft-kv/2": one JSON object, which every version reads. */
        JSON
    }
}
