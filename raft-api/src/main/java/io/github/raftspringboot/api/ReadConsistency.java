package io.github.raftspringboot.api;

/**
 * How fresh a read must be. See docs/store.md for the exact guarantees.
 */
public enum ReadConsistency {

    /**
     * The read reflects every write acknowledged anywhere in the cluster before the read began. The leader
     * confirms its leadership with a majority before answering, so a read costs one round trip to a
     * majority. The default.
     */
    LINEARIZABLE,

    /**
     * The read is answered from this node's own copy of the state without contacting any other node. It
     * may miss recent writes made through other nodes, but it never goes back in time on this node, and it
     * sees every write made through this node (it waits, for at most the request timeout, until this node
     * has applied them). Works without a leader.
     */
    LOCAL
}
