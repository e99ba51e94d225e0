package io.github.raftspringboot.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftFutures;

/**
 * Time limits for the requests in flight, on one timer wheel that the JVM's engines share.
 * <p>
 * {@code CompletableFuture.orTimeout} and a timed wait on a virtual thread each hand a task to a scheduler thread of
 * the JDK, and on Java 25 wake that thread when the task is added and again when it is cancelled: four wake-ups of
 * another thread for each write on the node the client called, about 7 % of the three nodes' CPU in a profile of
 * puts at 64 clients (docs/benchmarks.md). Netty's {@link HashedWheelTimer} adds and cancels a timeout without
 * waking its thread, which looks at its wheel every {@value #TICK_MILLIS} ms: a limit ends up to a tick late, which
 * is nothing next to the limits here (the request timeout, hundreds of milliseconds at the least).
 */
public final class RequestDeadlines {

    static final int TICK_MILLIS = 20;

    private static final HashedWheelTimer TIMER = new HashedWheelTimer(
            new DefaultThreadFactory("raft-request-deadlines", true), TICK_MILLIS, TimeUnit.MILLISECONDS, 512, false);

    private RequestDeadlines() {
    }

    /**
     * Like {@link CompletableFuture#orTimeout}: completes {@code future} with a {@link TimeoutException} unless it
     * completes within {@code timeoutMillis}; returns {@code future}.
     */
    public static <T> CompletableFuture<T> orTimeout(CompletableFuture<T> future, long timeoutMillis) {
        if (!future.isDone()) {
            Timeout timeout = TIMER.newTimeout(expired -> future.completeExceptionally(new DeadlineExceeded()),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            future.whenComplete((result, error) -> timeout.cancel());
        }
        return future;
    }

    /**
     * {@code applied} (a wait for this node to apply an index) bounded by {@code timeoutMillis}: whatever ends it
     * other than completing, a {@code TIMEOUT} {@link RaftException} with {@code message}. The LOCAL reads' wait for
     * the node's own earlier writes.
     */
    public static CompletableFuture<Void> appliedWithin(CompletableFuture<Void> applied, long timeoutMillis,
            String message) {
        return orTimeout(applied, timeoutMillis).handle((ignored, error) -> {
            if (error != null) {
                throw new RaftException(RaftException.Reason.TIMEOUT, message);
            }
            return null;
        });
    }

    /**
     * Waits for {@code future} up to {@code timeout}, with the meaning of
     * {@link RaftFutures#await(CompletableFuture, Duration)} for every way the wait can end,
     * but without a timed wait: the waiting thread parks until the future or its time limit on the wheel completes it.
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout) {
        CompletableFuture<T> bounded = orTimeout(future.copy(), timeout.toMillis());
        try {
            return bounded.get();
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof DeadlineExceeded) {
                throw new RaftException(RaftException.Reason.TIMEOUT, "The cluster did not answer within "
                        + timeout.toMillis() + " ms; it may still complete", null, ex.getCause());
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        // Completed, or the wait was interrupted (the flag is set again): RaftFutures answers at once, with its
        // meaning for either.
        return RaftFutures.await(bounded, timeout);
    }

    /** A time limit of this class ran out (a plain {@link TimeoutException} to those who wait). */
    private static final class DeadlineExceeded extends TimeoutException {

        private static final long serialVersionUID = 1L;

        DeadlineExceeded() {
            super("the time limit ran out");
        }
    }
}
