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

    /** With a message of its own, for a history whose start is not known yet (its oldest revision is then 0). */
    public RaftCompactedException(String message, long oldestRevision) {
        super(Reason.COMPACTED, message);
        this.oldestRevision = oldestRevision;
    }

    /** The oldest revision a watch can start from on this node; 0 when only the next change is known to come. */
    public long oldestRevision() {
        return oldestRevision;
    }
}
