package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Shares one read-index request among every read waiting for it. A read may only use an index asked for after the
 * read began, so a read that arrives while a request is in flight waits for the next one; that next one starts when
 * the current one ends and serves every read that arrived meanwhile. At most one request is in flight, whatever the
 * number of readers.
 */
final class ReadIndexBatcher {

    private final Supplier<CompletableFuture<Long>> fetch;

    private final Object lock = new Object();

    private boolean inFlight;

    /** The readers that arrived while a request was in flight; they share the next request. */
    private CompletableFuture<Long> next;

    ReadIndexBatcher(Supplier<CompletableFuture<Long>> fetch) {
        this.fetch = fetch;
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
        request.whenComplete((index, error) -> {
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
