package io.github.raftspringboot.autoconfigure.grpc;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import io.github.raftspringboot.admin.proto.AwaitResponse;

/**
 * The operations RaftAdmin started, by token, until they are forgotten or expire. A running operation never
 * expires; a finished one is kept for the configured time after it finished or was last awaited. The table is
 * capped: beyond the cap the least recently used entries are dropped.
 */
final class RaftAdminOperations {

    private static final int TOKEN_BYTES = 20;

    private final SecureRandom random = new SecureRandom();

    private final Cache<String, CompletableFuture<AwaitResponse>> operations;

    RaftAdminOperations(Duration ttl, long maxOperations) {
        this(ttl, maxOperations, Ticker.systemTicker(), null);
    }

    RaftAdminOperations(Duration ttl, long maxOperations, Ticker ticker, Executor maintenance) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("raft.grpc.admin.token-ttl must be positive, was " + ttl);
        }
        if (maxOperations < 1) {
            throw new IllegalArgumentException("raft.grpc.admin.max-operations must be at least 1, was "
                    + maxOperations);
        }
        Caffeine<String, CompletableFuture<AwaitResponse>> builder = Caffeine.newBuilder()
            .maximumSize(maxOperations)
            .ticker(ticker)
            .expireAfter(new FinishedExpiry(ttl.toNanos()));
        if (maintenance != null) {
            builder.executor(maintenance);
        }
        this.operations = builder.build();
    }

    /**
     * Starts an operation and returns its token. The operation's failure, synchronous or not, becomes the
     * {@link AwaitResponse#getError() error} of its result.
     */
    String start(Supplier<CompletableFuture<Long>> operation) {
        String token = newToken();
        CompletableFuture<AwaitResponse> result = invoke(operation).handle(RaftAdminOperations::toResponse);
        operations.put(token, result);
        // Re-inserting restarts the entry's clock: a finished result lives for the TTL from when it finished.
        result.whenComplete((response, failure) -> operations.asMap().replace(token, result, result));
        return token;
    }

    /** The operation behind a token, or {@code null} when the token is unknown, forgotten or expired. */
    CompletableFuture<AwaitResponse> get(String token) {
        return operations.getIfPresent(token);
    }

    /** Frees a token; returns whether it was known. */
    boolean forget(String token) {
        return operations.asMap().remove(token) != null;
    }

    long size() {
        operations.cleanUp();
        return operations.estimatedSize();
    }

    private String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static CompletableFuture<Long> invoke(Supplier<CompletableFuture<Long>> operation) {
        try {
            return operation.get();
        }
        catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
    }

    private static AwaitResponse toResponse(Long index, Throwable failure) {
        if (failure != null) {
            return AwaitResponse.newBuilder().setError(describe(failure)).build();
        }
        return AwaitResponse.newBuilder().setIndex((index != null) ? index : 0).build();
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getName();
    }

    /** Running operations never expire; finished ones expire {@code ttl} after they finished or were read. */
    private record FinishedExpiry(long ttlNanos) implements Expiry<String, CompletableFuture<AwaitResponse>> {

        @Override
        public long expireAfterCreate(String token, CompletableFuture<AwaitResponse> result, long now) {
            return result.isDone() ? ttlNanos : Long.MAX_VALUE;
        }

        @Override
        public long expireAfterUpdate(String token, CompletableFuture<AwaitResponse> result, long now,
                long remaining) {
            return result.isDone() ? ttlNanos : Long.MAX_VALUE;
        }

        @Override
        public long expireAfterRead(String token, CompletableFuture<AwaitResponse> result, long now,
                long remaining) {
            return result.isDone() ? ttlNanos : remaining;
        }
    }
}
