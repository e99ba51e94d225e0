package io.github.raftspringboot.engine.kv;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.github.raftspringboot.engine.ApiCallbacks;
import io.github.raftspringboot.engine.RequestDeadlines;

/**
 * One store call on its way: the engine's answer, and the step that turns it into the store's result (decoding the
 * state machine's reply, reading this node's copy). The answer completes on an engine thread; the step runs where the
 * API needs it: on the thread that waits (blocking API), or on a callback thread (asynchronous API), never on the
 * engine thread that completed the answer.
 */
record StoreCall<A, T>(CompletableFuture<A> answer, Function<? super A, ? extends T> finish) {

    /** Waits for the answer for at most {@code timeout}, then finishes on this thread. */
    T await(Duration timeout) {
        return finish.apply(RequestDeadlines.await(answer, timeout));
    }

    /** The result as a future for the application, completed on {@link ApiCallbacks}. */
    CompletableFuture<T> async() {
        return ApiCallbacks.complete(answer, finish);
    }
}
