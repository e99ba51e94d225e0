package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.RequestDeadlines;

/**
 * Shares one read-index request among every read waiting for it. A read may only use an index asked for after the
 * read began, so a read that arrives while a request is in flight waits for the next one; that next one starts when
 * the current one ends and serves every read that arrived meanwhile. At most one request is in flight, whatever the
 * number of readers. A request not answered within its bound fails: every later read of the node waits behind the one
 * in flight, so a request that never ends (a confirmation round lost on the way, seen on 2026-12-04 on a leader that
 * then answered no linearizable read for minutes while it had a majority) must not hold them for good.
 */
final class ReadIndexBatcher {

    private static final Logger logger = LoggerFactory.getLogger(ReadIndexBatcher.class);

    private final Supplier<CompletableFuture<Long>> fetch;

    private final Duration bound;

    private final Object lock = new Object();

    private boolean inFlight;

    /** The readers that arrived while a request was in flight; they share the next request. */
    private CompletableFuture<Long> next;

    /** @param bound how long one request may take before it fails and the next one is sent */
    ReadIndexBatcher(Supplier<CompletableFuture<Long>> fetch, Duration bound) {
        this.fetch = fetch;
        this.bound = bound;
    }

    CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> batch;
        synchronized (lock) {
            if (inFlight) {
                if (next == null) {
                    next = new CompletableFuture<>();
                }
                return next;
            }
            inFlight = true;
            batch = new CompletableFuture<>();
        }
        send(batch);
        return batch;
    }

    private void send(CompletableFuture<Long> batch) {
        CompletableFuture<Long> request;
        try {
            request = fetch.get();
        }
        catch (RuntimeException ex) {
            request = CompletableFuture.failedFuture(ex);
        }
        RequestDeadlines.orTimeout(request, bound.toMillis()).whenComplete((index, error) -> {
            if (error instanceof TimeoutException) {
                logger.warn("A read-index request was not answered within {} ms; the reads that wait get a new one",
                        bound.toMillis());
            }
            CompletableFuture<Long> waiting;
            synchronized (lock) {
                waiting = next;
                next = null;
                inFlight = waiting != null;
            }
            if (waiting != null) {
                send(waiting);
            }
            if (error != null) {
                batch.completeExceptionally(error);
            }
            else {
                batch.complete(index);
            }
        });
    }
}
