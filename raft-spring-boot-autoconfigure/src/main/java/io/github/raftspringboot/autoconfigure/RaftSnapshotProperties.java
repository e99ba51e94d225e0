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

    public DataSize getSegmentSize() {
        return segmentSize;
    }

    public void setSegmentSize(DataSize segmentSize) {
        this.segmentSize = segmentSize;
    }
}
