package io.github.raftspringboot.engine.atomix;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** The highest command index applied locally, and the callers waiting for an index to be reached. */
final class AppliedIndexTracker {

    private final AtomicLong applied = new AtomicLong();

    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiters = new ConcurrentSkipListMap<>();

    long get() {
        return applied.get();
    }

    void advance(long index) {
        applied.accumulateAndGet(index, Math::max);
        Map<Long, CompletableFuture<Void>> reached = waiters.headMap(index, true);
        reached.values().forEach(future -> future.complete(null));
        reached.clear();
    }

    CompletableFuture<Void> await(long index) {
        if (applied.get() >= index) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> future = waiters.computeIfAbsent(index, key -> new CompletableFuture<>());
        // The index may have been reached between the check and the registration.
        if (applied.get() >= index) {
            future.complete(null);
            waiters.remove(index, future);
        }
        return future;
    }
}
