package io.github.raftspringboot.api;

/**
 * A watch asked for revisions the store no longer keeps: its change history is bounded
 * ({@code raft.limits.watch-history}). Read the current state and watch from {@link #oldestRevision()} or later.
 */
public class RaftCompactedException extends RaftException {

    private final long oldestRevision;

    public RaftCompactedException(long requestedRevision, long oldestRevision) {
        super(Reason.COMPACTED, "Revision " + requestedRevision + " is compacted: the oldest revision this node can "
                + "still watch from is " + oldestRevision + "; read the current values and watch from there");
        this.oldestRevision = oldestRevision;
    }

    /** The oldest revision a watch can start from on this node. */
    public long oldestRevision() {
        return oldestRevision;
    }
}
