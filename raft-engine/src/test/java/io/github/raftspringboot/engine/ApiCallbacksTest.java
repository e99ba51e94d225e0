package io.github.raftspringboot.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.RaftException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An outcome the engine learns on one of its threads reaches the application's callbacks on a callback thread,
 * whether it is a value or a failure, so that a callback never runs on (or blocks) the engine's thread.
 */
class ApiCallbacksTest {

    @Test
    void aValueCompletedOnAnEngineThreadReachesCallbacksOnACallbackThread() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        CompletableFuture<Integer> result = ApiCallbacks.complete(answer, String::length);
        AtomicReference<String> callbackThread = new AtomicReference<>();
        CompletableFuture<Integer> seen = result.thenApply(length -> {
            callbackThread.set(Thread.currentThread().getName());
            return length;
        });

        completeOn("raft-server-node1", () -> answer.complete("four"));

        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(callbackThread.get()).startsWith("raft-callbacks");
    }

    @Test
    void aFailureCompletedOnAnEngineThreadReachesCallbacksOnACallbackThread() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        CompletableFuture<Integer> result = ApiCallbacks.complete(answer, String::length);
        AtomicReference<String> callbackThread = new AtomicReference<>();
        CompletableFuture<Throwable> seen = result.handle((length, error) -> {
            callbackThread.set(Thread.currentThread().getName());
            return error;
        });
        RaftException failure = new RaftException(RaftException.Reason.TIMEOUT, "no answer");

        completeOn("raft-server-node1", () -> answer.completeExceptionally(failure));

        // The same failure as thenApply would give: the cause wrapped once in a CompletionException.
        assertThat(seen.get(10, TimeUnit.SECONDS)).isInstanceOf(CompletionException.class).hasCause(failure);
        assertThat(callbackThread.get()).startsWith("raft-callbacks");
        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class).hasCause(failure);
    }

    @Test
    void aFinishingStepThatThrowsFailsTheResult() {
        CompletableFuture<String> answer = new CompletableFuture<>();
        CompletableFuture<Integer> result = ApiCallbacks.complete(answer, value -> {
            throw new IllegalStateException("bad answer: " + value);
        });
        answer.complete("x");
        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(IllegalStateException.class)
            .hasRootCauseMessage("bad answer: x");
    }

    @Test
    void anOutcomeAlreadyThereIsFinishedOnTheCallingThread() {
        String self = Thread.currentThread().getName();
        AtomicReference<String> finishedOn = new AtomicReference<>();
        CompletableFuture<Integer> result = ApiCallbacks.complete(CompletableFuture.completedFuture("ab"), value -> {
            finishedOn.set(Thread.currentThread().getName());
            return value.length();
        });
        assertThat(result).isCompletedWithValue(2);
        assertThat(finishedOn.get()).isEqualTo(self);
    }

    @Test
    void aTaskRunsOnACallbackThread() throws Exception {
        AtomicReference<String> ranOn = new AtomicReference<>();
        ApiCallbacks.run(() -> ranOn.set(Thread.currentThread().getName())).get(10, TimeUnit.SECONDS);
        assertThat(ranOn.get()).startsWith("raft-callbacks");
    }

    private static void completeOn(String threadName, Runnable completion) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            completion.run();
            done.countDown();
        }, threadName);
        thread.start();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
