package io.github.raftspringboot.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Where the futures the public API hands to applications complete.
 * <p>
 * The engine completes its own futures on the thread that learns the outcome: the Raft thread for a write this node
 * leads, a transport thread for one a follower sent, because the blocking API's waiting thread is then woken directly
 * (a hand-off to a pool thread cost a wake-up per request). An application's callback must not run there: one that
 * blocks, say on another store call, would stop the node it waits for. So the asynchronous API hands each outcome to
 * these threads first: a cached pool of daemon threads that grows rather than queue, so that callbacks which wait on
 * one another cannot run out of threads.
 */
public final class ApiCallbacks {

    private static final Executor EXECUTOR = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new DefaultThreadFactory("raft-callbacks", true));

    private ApiCallbacks() {
    }

    /**
     * {@code answer}, then {@code finish}, completing on a callback thread; on the calling thread when the answer is
     * already there (nothing to hand over: the caller runs its own code).
     */
    public static <A, T> CompletableFuture<T> complete(CompletableFuture<A> answer,
            Function<? super A, ? extends T> finish) {
        if (answer.isDone()) {
            return answer.thenApply(finish);
        }
        // Not thenApplyAsync: it completes a failure on the thread that failed the answer, without the executor.
        return answer.handleAsync((value, error) -> {
            if (error != null) {
                throw (error instanceof CompletionException wrapped) ? wrapped : new CompletionException(error);
            }
            return finish.apply(value);
        }, EXECUTOR);
    }

    /** Runs {@code task} on a callback thread; the future completes there once it is done. */
    public static CompletableFuture<Void> run(Runnable task) {
        return CompletableFuture.runAsync(task, EXECUTOR);
    }

    /** {@code answer} as it is, completing on a callback thread (or at once when it is already done). */
    public static <T> CompletableFuture<T> complete(CompletableFuture<T> answer) {
        return complete(answer, Function.identity());
    }
}
