package io.github.raftspringboot.autoconfigure.grpc;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.grpc.Status;

/**
 * The operations started through RaftAdmin, by token, until {@code Forget}. Unlike the original raftadmin, which
 * keeps them forever, a finished operation's result expires after a time to live, and the table holds at most a
 * fixed number of tokens, so clients that never call {@code Forget} cannot exhaust memory.
 */
final class OperationTable {

    private static final int TOKEN_BYTES = 20;

    private final Map<String, Operation> operations = new ConcurrentHashMap<>();

    private final SecureRandom random = new SecureRandom();

    private final long ttlNanos;

    private final int capacity;

    private final LongSupplier nanoClock;

    OperationTable(Duration resultTtl, int capacity, LongSupplier nanoClock) {
        if (resultTtl.isNegative() || resultTtl.isZero()) {
            throw new IllegalArgumentException("raft.grpc.admin.result-ttl must be positive, not " + resultTtl);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("raft.grpc.admin.max-operations must be at least 1, not " + capacity);
        }
        this.ttlNanos = resultTtl.toNanos();
        this.capacity = capacity;
        this.nanoClock = nanoClock;
    }

    /**
     * Registers a started operation and returns its token: 40 hex characters.
     * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED when the table is full of running operations
     */
    synchronized String register(CompletableFuture<Long> outcome) {
        purgeExpired();
        while (operations.size() >= capacity) {
            String oldest = operations.entrySet()
                .stream()
                .filter(entry -> entry.getValue().finishedAt() != null)
                .min(Comparator.comparingLong(entry -> entry.getValue().finishedAt()))
                .map(Map.Entry::getKey)
                .orElseThrow(() -> Status.RESOURCE_EXHAUSTED
                    .withDescription(capacity + " operations are running (raft.grpc.admin.max-operations); "
                            + "retry when some have finished")
                    .asRuntimeException());
            operations.remove(oldest);
        }
        String token = newToken();
        Operation operation = new Operation(outcome);
        operations.put(token, operation);
        outcome.whenComplete((index, error) -> operation.finish(nanoClock.getAsLong()));
        return token;
    }

    /** The outcome of the operation with this token, if it is known and has not expired. */
    Optional<CompletableFuture<Long>> find(String token) {
        Operation operation = operations.get(token);
        if (operation == null || expired(operation)) {
            return Optional.empty();
        }
        return Optional.of(operation.outcome());
    }

    /** Drops the operation; whether the token was known. */
    boolean forget(String token) {
        Operation operation = operations.remove(token);
        return operation != null && !expired(operation);
    }

    int size() {
        return operations.size();
    }

    private void purgeExpired() {
        operations.values().removeIf(this::expired);
    }

    private boolean expired(Operation operation) {
        Long finishedAt = operation.finishedAt();
        return finishedAt != null && nanoClock.getAsLong() - finishedAt > ttlNanos;
    }

    private String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether {@code token} has the shape of a token this table hands out. */
    static boolean isWellFormed(String token) {
        return token.length() == TOKEN_BYTES * 2 && token.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static final class Operation {

        private final CompletableFuture<Long> outcome;

        private volatile Long finishedAt;

        Operation(CompletableFuture<Long> outcome) {
            this.outcome = outcome;
        }

        CompletableFuture<Long> outcome() {
            return outcome;
        }

        Long finishedAt() {
            return finishedAt;
        }

        void finish(long now) {
            finishedAt = now;
        }
    }
}
