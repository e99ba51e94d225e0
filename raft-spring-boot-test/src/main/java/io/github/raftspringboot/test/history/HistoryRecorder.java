package io.github.raftspringboot.test.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Records what concurrent clients did, for {@link LinearizabilityChecker}. Thread-safe: any number of clients call
 * it at once. A client calls {@link #invoke} just before sending a request and exactly one of {@link #ok},
 * {@link #fail} or {@link #info} once it knows how the request ended:
 *
 * <pre>{@code
 * OperationHandle handle = recorder.invoke("client-3", KvOperation.get("x"));
 * try {
 *     recorder.ok(handle, store.get("x").orElse(null));
 * } catch (TimeoutException ex) {
 *     recorder.info(handle);  // it may still take effect: never call fail() unless it surely did not
 * }
 * }</pre>
 *
 * <p>Times come from {@link System#nanoTime}, read inside these calls, so that the check respects real-time order:
 * an operation whose {@code ok} was recorded before another's {@code invoke} must take effect before it.
 */
public final class HistoryRecorder {

    private final LongSupplier clock;

    private final AtomicLong ids = new AtomicLong();

    private final Map<Long, OperationHandle> pending = new ConcurrentHashMap<>();

    private final List<Operation> completed = new ArrayList<>();

    public HistoryRecorder() {
        this(System::nanoTime);
    }

    /** With another monotonic clock, in nanoseconds: lets tests place events at exact times. */
    public HistoryRecorder(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records that {@code client} is about to send {@code operation}. */
    public OperationHandle invoke(String client, KvOperation operation) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(operation, "operation");
        OperationHandle handle = new OperationHandle(this, ids.getAndIncrement(), client, operation,
                clock.getAsLong());
        pending.put(handle.id(), handle);
        return handle;
    }

    /**
     * Records that the operation took effect with {@code result}: the value a get read ({@code null} if the key was
     * absent), the {@link Boolean} a compare-and-set returned, anything (ignored) for put and delete.
     */
    public void ok(OperationHandle handle, Object result) {
        complete(handle, Outcome.OK, result);
    }

    /** Records that the operation definitely did not take effect and never will. */
    public void fail(OperationHandle handle) {
        complete(handle, Outcome.FAIL, null);
    }

    /** Records that it is unknown whether the operation took (or will take) effect, e.g. after a timeout. */
    public void info(OperationHandle handle) {
        complete(handle, Outcome.INFO, null);
    }

    /**
     * The operations so far, those still pending counted as {@link Outcome#INFO}; recording may go on.
     */
    public History history() {
        List<Operation> snapshot = new ArrayList<>();
        // Under the lock that completion holds, so that no operation is seen neither pending nor completed.
        synchronized (completed) {
            snapshot.addAll(completed);
            for (OperationHandle handle : pending.values()) {
                snapshot.add(Operation.info(handle.id(), handle.client(), handle.operation(), handle.invokedAt()));
            }
        }
        return History.of(snapshot);
    }

    private void complete(OperationHandle handle, Outcome outcome, Object result) {
        Objects.requireNonNull(handle, "handle");
        if (handle.recorder() != this) {
            throw new IllegalArgumentException("Operation " + handle + " was invoked on another recorder");
        }
        long now = clock.getAsLong();
        Operation operation = new Operation(handle.id(), handle.client(), handle.operation(), handle.invokedAt(),
                now, outcome, result);
        synchronized (completed) {
            if (pending.remove(handle.id()) == null) {
                throw new IllegalStateException("Operation " + handle + " was already completed; call exactly one "
                        + "of ok, fail or info per invoke");
            }
            completed.add(operation);
        }
    }
}
