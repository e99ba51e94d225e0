package io.github.raftspringboot.test.history;

import java.util.Objects;

/**
 * One operation of a history: who asked what, when it was invoked and when it ended (both monotonic
 * {@link System#nanoTime} readings), how it ended and with what result.
 *
 * <p>An {@link Outcome#INFO} operation has {@link #completedAt} {@link Long#MAX_VALUE}: for linearizability its
 * completion is at +infinity, since it may take effect at any time after its invocation.
 *
 * @param id unique within its history; orders ties in the search so that runs are reproducible
 * @param client the client (thread, connection, process) that issued it, for explanations
 * @param operation what was asked
 * @param invokedAt when the client sent it
 * @param completedAt when the client saw the answer; {@link Long#MAX_VALUE} for {@link Outcome#INFO}
 * @param outcome how it ended
 * @param result the value a get read ({@code null}: absent), the {@link Boolean} a compare-and-set returned;
 *        ignored for put, delete and for operations that did not end {@link Outcome#OK}
 */
public record Operation(long id, String client, KvOperation operation, long invokedAt, long completedAt,
        Outcome outcome, Object result) {

    public Operation {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.INFO) {
            completedAt = Long.MAX_VALUE;
        }
        if (result instanceof java.util.Optional<?>) {
            throw new IllegalArgumentException("The result of " + operation + " is an Optional; record the value "
                    + "itself, or null for an absent key (e.g. store.get(key).orElse(null))");
        }
        if (outcome != Outcome.OK || !(operation instanceof KvOperation.Get
                || operation instanceof KvOperation.CompareAndSet)) {
            result = null;
        }
        if (completedAt < invokedAt) {
            throw new IllegalArgumentException("Operation " + id + " (" + operation + ") completed at " + completedAt
                    + " before its invocation at " + invokedAt + "; times must come from one monotonic clock");
        }
        if (outcome == Outcome.OK && operation instanceof KvOperation.CompareAndSet && !(result instanceof Boolean)) {
            throw new IllegalArgumentException("A compare-and-set that ended OK needs a Boolean result (whether it "
                    + "wrote), got " + result + " for " + operation);
        }
    }

    /** An operation that completed with an answer. */
    public static Operation ok(long id, String client, KvOperation operation, long invokedAt, long completedAt,
            Object result) {
        return new Operation(id, client, operation, invokedAt, completedAt, Outcome.OK, result);
    }

    /** An operation whose effect is unknown (timed out, connection lost, still running). */
    public static Operation info(long id, String client, KvOperation operation, long invokedAt) {
        return new Operation(id, client, operation, invokedAt, Long.MAX_VALUE, Outcome.INFO, null);
    }

    /** An operation that definitely did not take effect. */
    public static Operation fail(long id, String client, KvOperation operation, long invokedAt, long completedAt) {
        return new Operation(id, client, operation, invokedAt, completedAt, Outcome.FAIL, null);
    }

    public String key() {
        return operation.key();
    }

    /** Whether this operation ended before {@code other} was invoked, so any linearization orders it first. */
    public boolean precedes(Operation other) {
        return completedAt < other.invokedAt;
    }

    /** One line for explanations, with times relative to {@code origin}. */
    public String describe(long origin) {
        StringBuilder line = new StringBuilder();
        line.append(client).append(' ').append(operation);
        if (outcome == Outcome.OK && (operation instanceof KvOperation.Get
                || operation instanceof KvOperation.CompareAndSet)) {
            line.append(" -> ").append(Values.show(result));
        }
        line.append(' ').append(outcome.name().toLowerCase(java.util.Locale.ROOT));
        line.append(" [").append(Values.millis(invokedAt, origin)).append(" .. ")
                .append(Values.millis(completedAt, origin)).append(']');
        return line.toString();
    }
}
