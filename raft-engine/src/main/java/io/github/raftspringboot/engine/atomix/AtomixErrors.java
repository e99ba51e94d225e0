package io.github.raftspringboot.engine.atomix;

import java.net.ConnectException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.atomix.primitive.PrimitiveException;
import io.atomix.protocols.raft.RaftError;
import io.atomix.protocols.raft.RaftException.NoLeader;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftException.Reason;

/** Translates Atomix's failures into our {@link RaftException}s, naming the leader where it helps. */
final class AtomixErrors {

    private AtomixErrors() {
    }

    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * What went wrong, for a peer's failure frame or a log line: the innermost message of a failed future, without
     * the wrappers' class names ({@code CompletionException}'s message is its cause's {@code toString()}).
     */
    static String reasonOf(Throwable error) {
        Throwable cause = unwrap(error);
        String message = cause.getMessage();
        return (message != null && !message.isBlank()) ? message : cause.getClass().getSimpleName();
    }

    static RaftException translate(Throwable error, String operation, String leaderId) {
        Throwable cause = unwrap(error);
        if (cause instanceof RaftException raftException) {
            return raftException;
        }
        if (cause instanceof IllegalArgumentException) {
            return new RaftException(Reason.INVALID_REQUEST, operation + ": " + cause.getMessage(), leaderId, cause);
        }
        if (cause instanceof TimeoutException || cause instanceof PrimitiveException.Timeout) {
            return new RaftException(Reason.TIMEOUT, operation + " did not complete in time"
                    + leaderHint(leaderId) + "; it may still be applied later", leaderId, cause);
        }
        if (io.grpc.Status.fromThrowable(cause).getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
            return new RaftException(Reason.INVALID_REQUEST, operation + " failed: the answer is larger than the "
                    + (AtomixRaftEngine.MAX_MESSAGE_SIZE >> 20) + " MB a node may send; read a narrower prefix, or "
                    + "use LOCAL consistency on the node itself", leaderId, cause);
        }
        if (cause instanceof NoLeader || cause instanceof PrimitiveException.Unavailable) {
            return new RaftException(Reason.NO_LEADER, operation + " failed: no leader is available"
                    + " (an election is in progress or a majority of the cluster is unreachable)", leaderId, cause);
        }
        if (cause instanceof ConnectException) {
            // Our transport's word for a peer it could not reach, or whose stream broke before the answer came: the
            // request may have reached it, so this is a TIMEOUT's "maybe", not a refusal that says it did not happen.
            return new RaftException(Reason.TIMEOUT, operation + " got no answer: " + reasonOf(cause) + "; the "
                    + "leader may be down or restarting, and if the request reached it, it may still take effect: "
                    + "retry once it is back or another node is elected, if the request is safe to repeat", leaderId,
                    cause);
        }
        if (cause instanceof PrimitiveException.ClosedSession || cause instanceof CancellationException) {
            return new RaftException(Reason.SHUTDOWN, operation + " failed: the Raft node is stopping", leaderId,
                    cause);
        }
        return new RaftException(Reason.INTERNAL, operation + " failed: " + cause, leaderId, cause);
    }

    /**
     * As {@link #translate}, for a call made on the node's client session. That session is closed while the node runs
     * when it is replaced after a call on it timed out ({@link SessionSlot#abandon}) or when it expired: the calls
     * still in flight on it end with Atomix's closed-session error, which says nothing of the node stopping. They may
     * have been applied (a call reaches the log before its session's end does), so they are timeouts.
     */
    static RaftException translateOnSession(Throwable error, String operation, String leaderId, boolean running) {
        Throwable cause = unwrap(error);
        if (running && cause instanceof PrimitiveException.ClosedSession) {
            return new RaftException(Reason.TIMEOUT, operation + " did not complete: the node's client session it was "
                    + "sent on was closed (replaced after a request on it timed out, or expired) while the node runs; "
                    + "it may still be applied later: retry if the request is safe to repeat" + leaderHint(leaderId),
                    leaderId, cause);
        }
        return translate(error, operation, leaderId);
    }

    /**
     * Our reason for an error a Raft response carried. Atomix answers a membership change with an error status but
     * no error at all while another change is still being committed or a new leader has not yet committed its
     * first entry.
     */
    static RaftException fromResponse(RaftError error, String operation, String leaderId) {
        if (error == null || error.type() == null) {
            return new RaftException(Reason.CONFIGURATION_BUSY, operation + " failed: another membership change is "
                    + "still being committed, or the leader was elected a moment ago and has not committed its first "
                    + "entry yet; retry in a moment" + leaderHint(leaderId), leaderId, null);
        }
        if (error.type() == RaftError.Type.PROTOCOL_ERROR) {
            return new RaftException(Reason.TIMEOUT, operation + ": the leader appended the new configuration but "
                    + "could not confirm that a quorum committed it (a quorum of voters may be unreachable); it may "
                    + "still take effect: check the configuration (GetConfiguration, GET /actuator/raft/configuration)"
                    + leaderHint(leaderId), leaderId, null);
        }
        String detail = (error.message() != null) ? ": " + error.message() : "";
        Reason reason = switch (error.type()) {
            case NO_LEADER, UNAVAILABLE -> Reason.NO_LEADER;
            case CONFIGURATION_ERROR -> Reason.CONFIGURATION_BUSY;
            case ILLEGAL_MEMBER_STATE -> Reason.NOT_LEADER;
            case CLOSED_SESSION -> Reason.SHUTDOWN;
            default -> Reason.INTERNAL;
        };
        return new RaftException(reason, operation + " failed (" + error.type() + detail + ")" + leaderHint(leaderId),
                leaderId, null);
    }

    static String leaderHint(String leaderId) {
        return (leaderId != null) ? " (leader: " + leaderId + ")" : "";
    }
}
