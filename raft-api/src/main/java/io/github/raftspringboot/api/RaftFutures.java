package io.github.raftspringboot.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for the future of a {@link RaftNode} operation or an {@link AsyncRaftKeyValueStore} call, with one meaning for
 * every way the wait can end: the result; the operation's own {@link RaftException}; or {@link RaftException.Reason#TIMEOUT}
 * when the caller stopped waiting (the time ran out, or the waiting thread was interrupted, whose flag stays set),
 * in which case the operation may still complete later.
 */
public final class RaftFutures {

    private RaftFutures() {
    }

    /** Waits up to {@code timeout} for {@code future}. */
    public static <T> T await(CompletableFuture<T> future, Duration timeout) {
        return await(future, timeout, null);
    }

    /**
     * Waits up to {@code timeout} for {@code future}.
     *
     * @param howToCheck appended to the timeout message: how the caller can find out whether it completed after all
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, String howToCheck) {
        String mayComplete = "; it may still complete" + ((howToCheck != null) ? ": " + howToCheck : "");
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new RaftException(RaftException.Reason.TIMEOUT, "Interrupted while waiting for the cluster"
                    + mayComplete, null, ex);
        }
        catch (TimeoutException ex) {
            throw new RaftException(RaftException.Reason.TIMEOUT, "The cluster did not answer within "
                    + timeout.toMillis() + " ms" + mayComplete, null, ex);
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RaftException(RaftException.Reason.INTERNAL, "The operation failed: " + cause, null, cause);
        }
    }
}
