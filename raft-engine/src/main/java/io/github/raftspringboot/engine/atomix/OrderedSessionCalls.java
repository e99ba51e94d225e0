package io.github.raftspringboot.engine.atomix;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.atomix.primitive.operation.PrimitiveOperation;
import io.atomix.primitive.session.SessionClient;

/**
 * Hands operations to the node's session in the order they were called. The session numbers operations as it
 * receives them and the leader applies them in that order; but while the session is still opening, callbacks
 * chained on it would run in reverse order (CompletableFuture runs its dependents last-in first-out), so two writes
 * made one after the other could be applied the other way round. Calls that arrive while the session is not ready,
 * or while earlier calls still wait, join a queue that one drainer empties in order; otherwise a call goes straight
 * to the session. A call that timed out reports its session as stuck only if no call sent after it has completed on
 * that session since: the leader applies a session's calls in the order they were sent, so a later call answered
 * means the session moves, and under load (one slow call among hundreds) replacing it would end every call in flight.
 */
final class OrderedSessionCalls {

    private final Supplier<CompletableFuture<SessionClient>> session;

    private final Consumer<SessionClient> onTimeout;

    private final Deque<Call> waiting = new ArrayDeque<>();

    /** Guarded by {@code waiting}: a drainer is at work, so new calls only join the queue. */
    private boolean draining;

    /** Numbers the calls in the order they are sent. */
    private final AtomicLong sends = new AtomicLong();

    /** The session that last answered a call, and the highest send number it answered. */
    private final AtomicReference<Progress> progress = new AtomicReference<>(new Progress(null, 0));

    /**
     * @param session   the node's session, opened on demand
     * @param onTimeout told when a call sent on a session timed out (its caller gave up waiting)
     */
    OrderedSessionCalls(Supplier<CompletableFuture<SessionClient>> session, Consumer<SessionClient> onTimeout) {
        this.session = session;
        this.onTimeout = onTimeout;
    }

    CompletableFuture<byte[]> execute(PrimitiveOperation operation) {
        Call call = new Call(operation, new CompletableFuture<>());
        SessionClient ready = null;
        synchronized (waiting) {
            if (!draining) {
                CompletableFuture<SessionClient> current = session.get();
                if (current.isDone() && !current.isCompletedExceptionally()) {
                    ready = current.join();
                }
            }
            if (ready == null) {
                waiting.add(call);
                if (draining) {
                    return call.result;
                }
                draining = true;
            }
        }
        if (ready != null) {
            // The usual case: no earlier call waits, so this one goes straight to the open session.
            send(ready, call);
            return call.result;
        }
        drain();
        return call.result;
    }

    private void drain() {
        while (true) {
            CompletableFuture<SessionClient> current = session.get();
            if (!current.isDone()) {
                // On a thread of our own, not on the Atomix thread that opened the session.
                current.whenCompleteAsync((client, error) -> drain());
                return;
            }
            Call call;
            synchronized (waiting) {
                call = waiting.poll();
                if (call == null) {
                    draining = false;
                    return;
                }
            }
            if (call.result.isDone()) {
                // The caller gave up (timed out) before the call was sent: it is never sent.
                continue;
            }
            if (current.isCompletedExceptionally()) {
                current.whenComplete((client, error) -> call.result.completeExceptionally(error));
            }
            else {
                send(current.join(), call);
            }
        }
    }

    private void send(SessionClient client, Call call) {
        long sent = sends.incrementAndGet();
        call.result.whenComplete((reply, error) -> {
            if (error instanceof TimeoutException && !answeredAfter(client, sent)) {
                onTimeout.accept(client);
            }
        });
        CompletableFuture<byte[]> reply;
        try {
            reply = client.execute(call.operation);
        }
        catch (RuntimeException ex) {
            // Thrown, not returned: it must end this call only, never the drainer (a drainer that dies leaves every
            // later call queued for good).
            call.result.completeExceptionally(ex);
            return;
        }
        reply.whenComplete((value, error) -> {
            if (error != null) {
                call.result.completeExceptionally(error);
            }
            else {
                progress.updateAndGet(last -> (last.client() != client || last.highest() < sent)
                        ? new Progress(client, sent) : last);
                call.result.complete(value);
            }
        });
    }

    /** Whether {@code client} answered a call sent after the call numbered {@code sent}. */
    private boolean answeredAfter(SessionClient client, long sent) {
        Progress last = progress.get();
        return last.client() == client && last.highest() > sent;
    }

    private record Progress(SessionClient client, long highest) {
    }

    private record Call(PrimitiveOperation operation, CompletableFuture<byte[]> result) {
    }
}
