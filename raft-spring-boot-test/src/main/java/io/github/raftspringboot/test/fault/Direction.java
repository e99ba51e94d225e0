package io.github.raftspringboot.test.fault;

/** One direction of the byte streams through a {@link TcpProxy}. */
public enum Direction {

    /** From the client that connected to the proxy, towards the proxy's target (requests, on a peer link). */
    TO_TARGET,

    /** From the target back to the client (responses, on a peer link). */
    FROM_TARGET;

    Direction opposite() {
        return this == TO_TARGET ? FROM_TARGET : TO_TARGET;
    }

    String label() {
        return this == TO_TARGET ? "to-target" : "from-target";
    }
}
