package io.github.raftspringboot.autoconfigure.metrics;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.beans.factory.ObjectProvider;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.ReadConsistency;

/**
 * Records {@value #NAME}: one timer per store operation, read consistency, outcome and error. The registry is looked
 * up on first use, so that decorating the store does not create the registry early.
 */
final class StoreOperationTimer {

    static final String NAME = "raft.store.operations";

    private final ObjectProvider<MeterRegistry> registries;

    private volatile MeterRegistry registry;

    StoreOperationTimer(ObjectProvider<MeterRegistry> registries) {
        this.registries = registries;
    }

    <T> T time(String operation, ReadConsistency consistency, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            T result = call.get();
            record(operation, consistency, start, null);
            return result;
        }
        catch (RuntimeException ex) {
            record(operation, consistency, start, ex);
            throw ex;
        }
    }

    <T> CompletableFuture<T> timeAsync(String operation, ReadConsistency consistency,
            Supplier<CompletableFuture<T>> call) {
        long start = System.nanoTime();
        CompletableFuture<T> future;
        try {
            future = call.get();
        }
        catch (RuntimeException ex) {
            record(operation, consistency, start, ex);
            throw ex;
        }
        return future.whenComplete((result, error) -> record(operation, consistency, start, error));
    }

    private void record(String operation, ReadConsistency consistency, long start, Throwable error) {
        MeterRegistry target = registry();
        if (target == null) {
            return;
        }
        Timer.builder(NAME)
            .description("Operations on the replicated key-value store, from call to result")
            .tag("operation", operation)
            .tag("consistency", (consistency != null) ? consistency.name().toLowerCase(Locale.ROOT) : "none")
            .tag("outcome", (error == null) ? "success" : "failure")
            .tag("error", errorName(error))
            .register(target)
            .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private MeterRegistry registry() {
        MeterRegistry current = registry;
        if (current == null) {
            current = registries.getIfUnique();
            registry = current;
        }
        return current;
    }

    /** A bounded set of values: the RaftException reason, {@code invalid_argument}, {@code other} or {@code none}. */
    static String errorName(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return "none";
        }
        if (cause instanceof RaftException raft) {
            return raft.reason().name().toLowerCase(Locale.ROOT);
        }
        if (cause instanceof IllegalArgumentException) {
            return "invalid_argument";
        }
        return "other";
    }
}
