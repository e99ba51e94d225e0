package io.github.raftspringboot.api;

import java.time.Duration;
import java.util.Optional;

/**
 * Named elections on leases, for work that should run on one node at a time but not follow the Raft leader: only
 * the nodes that {@link #campaign} take part, and each election has its own winner. A winner stays one while its
 * lease is kept alive (by this node, every third of the TTL); if it dies, another candidate wins once the lease
 * expires. An election is the lock {@code elections/<name>} of {@link RaftLocks}, so its fencing token grows from
 * one winner to the next.
 */
public interface RaftElections {

    /**
     * Joins election {@code name} as a candidate: it wins as soon as nobody else holds the election, then keeps it
     * until it {@link RaftCandidate#resign() resigns} or loses its lease. The listener is called on the election's
     * own thread, one call at a time, {@code elected} and {@code defeated} in turn.
     */
    RaftCandidate campaign(String name, Duration ttl, Listener listener);

    /** The current winner of election {@code name} (its owner names the node), or empty. Linearizable. */
    Optional<LockHolder> leader(String name);

    /** Told when this candidate wins or stops being the winner. */
    interface Listener {

        /** This candidate won; {@code fencingToken} is higher than every earlier winner's. */
        void elected(RaftCandidate candidate, long fencingToken);

        /** This candidate is no longer the winner (it resigned, or could not keep its lease alive in time). */
        void defeated(RaftCandidate candidate);
    }
}
