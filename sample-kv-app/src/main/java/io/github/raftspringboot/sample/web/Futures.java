package io.github.raftspringboot.sample.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.raftspringboot.api.RaftException;

/** Waits for a {@link io.github.raftspringboot.api.RaftNode} operation and rethrows its failure as it is. */
final class Futures {

    private Futures() {
    }

    static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new RaftException(RaftException.Reason.TIMEOUT, "Interrupted while waiting for the cluster", null,
                    ex);
        }
        catch (TimeoutException ex) {
            throw new RaftException(RaftException.Reason.TIMEOUT,
                    "The cluster did not answer within " + timeout.toMillis() + " ms", null, ex);
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RaftException(RaftException.Reason.INTERNAL, String.valueOf(ex.getCause()), null, ex.getCause());
        }
    }
}
