package io.github.raftspringboot.api;

/** This node's candidacy in a named election ({@link RaftElections#campaign}); close it to resign. */
public interface RaftCandidate extends AutoCloseable {

    /** The election's name. */
    String election();

    /** Whether this candidate is the winner now. */
    boolean isLeader();

    /** The fencing token of the current term as winner, or 0 when not the winner. */
    long fencingToken();

    /** Leaves the election: a winner steps down at once (the next candidate can win), the listener is told. */
    void resign();

    @Override
    default void close() {
        resign();
    }
}
