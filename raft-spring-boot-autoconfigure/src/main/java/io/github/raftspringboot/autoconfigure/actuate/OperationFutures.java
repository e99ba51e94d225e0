package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.raftspringboot.api.RaftException;

/** Waits for a node operation and reports every failure as a {@link RaftException}. */
final class OperationFutures {

    private OperationFutures() {
    }

    static long await(CompletableFuture<Long> future, Duration timeout, String operation) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException | CompletionException ex) {
            throw asRaftException(ex.getCause(), operation);
        }
        catch (TimeoutException ex) {
            throw new RaftException(RaftException.Reason.TIMEOUT, "The operation '" + operation
                    + "' did not complete within " + timeout.toMillis() + " ms; it may still complete later",
                    null, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new RaftException(RaftException.Reason.INTERNAL,
                    "Interrupted while waiting for the operation '" + operation + "'", null, ex);
        }
    }

    private static RaftException asRaftException(Throwable cause, String operation) {
        if (cause instanceof RaftException raft) {
            return raft;
        }
        if (cause instanceof IllegalArgumentException invalid) {
            return new RaftException(RaftException.Reason.INVALID_REQUEST, invalid.getMessage(), null, invalid);
        }
        return new RaftException(RaftException.Reason.INTERNAL,
                "The operation '" + operation + "' failed: " + cause, null, cause);
    }
}
