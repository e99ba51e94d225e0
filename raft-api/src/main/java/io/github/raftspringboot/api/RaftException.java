package io.github.raftspringboot.api;

/**
 * A store or node operation the cluster could not complete. The message says what happened and, where
 * one is known, {@link #leaderId()} names the current leader.
 */
public class RaftException extends RuntimeException {

    private final Reason reason;

    private final String leaderId;

    public RaftException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    public RaftException(Reason reason, String message, String leaderId, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.leaderId = leaderId;
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }

    /** The id of the leader as this node knows it, or {@code null} when unknown or irrelevant. */
    public String leaderId() {
        return leaderId;
    }

    /** The kinds of failure, named after hashicorp/raft's errors where one exists. */
    public enum Reason {
        /** The operation can only run on the leader and this node is not the leader. */
        NOT_LEADER,
        /** No leader is known: an election is in progress or a majority is unreachable. */
        NO_LEADER,
        /** The operation did not complete within its time limit; it may still be applied later. */
        TIMEOUT,
        /** The Raft node on this application is not running (stopping, stopped, or shut down). */
        SHUTDOWN,
        /** The cluster configuration changed since the index the caller named. */
        CONFIGURATION_CHANGED,
        /** A membership change is already in progress. */
        CONFIGURATION_BUSY,
        /** The named server is not a member of the cluster. */
        UNKNOWN_SERVER,
        /** The request itself is wrong. */
        INVALID_REQUEST,
        /**
         * The server id is already a member at another address; ask to replace the address explicitly
         * ({@link MembershipOptions#replaceAddress()}).
         */
        ADDRESS_CONFLICT,
        /**
         * The strict reconfiguration check refused the change: the new voter does not answer on its Raft port, or
         * fewer voters than a quorum would be reachable afterwards. {@link MembershipOptions#force()} overrides it.
         */
        UNSAFE_RECONFIGURATION,
        /** A watch asked for revisions dropped from the store's bounded change history ({@link RaftCompactedException}). */
        COMPACTED,
        /** Any other failure of the engine; the message and cause say more. */
        INTERNAL
    }
}
