package io.github.raftspringboot.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.RaftException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RequestDeadlinesTest {

    @Test
    void aFutureNotCompletedInTimeFailsWithATimeoutNoSoonerThanItsLimit() {
        CompletableFuture<String> future = new CompletableFuture<>();
        long start = System.nanoTime();

        assertThat(RequestDeadlines.orTimeout(future, 200)).isSameAs(future);

        await().atMost(Duration.ofSeconds(5)).until(future::isDone);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(future).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .withCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void aFutureCompletedInTimeKeepsItsResult() {
        CompletableFuture<String> future = new CompletableFuture<>();
        RequestDeadlines.orTimeout(future, 100);

        future.complete("done");

        // Past the limit, the result is still the one it completed with.
        CompletableFuture<String> later = RequestDeadlines.orTimeout(new CompletableFuture<>(), 300);
        await().atMost(Duration.ofSeconds(5)).until(later::isDone);
        assertThat(future.join()).isEqualTo("done");
        assertThat(RequestDeadlines.orTimeout(CompletableFuture.completedFuture("already"), 1).join())
            .isEqualTo("already");
    }

    @Test
    void awaitReturnsTheResultOrTheOperationsOwnError() {
        assertThat(RequestDeadlines.await(CompletableFuture.completedFuture(7), Duration.ofSeconds(1))).isEqualTo(7);

        RaftException own = new RaftException(RaftException.Reason.NOT_LEADER, "not the leader", "node2", null);
        assertThatThrownBy(() -> RequestDeadlines.await(CompletableFuture.failedFuture(own), Duration.ofSeconds(1)))
            .isSameAs(own);
        assertThatThrownBy(() -> RequestDeadlines.await(CompletableFuture.failedFuture(new IOException("disk")),
                Duration.ofSeconds(1)))
            .isInstanceOfSatisfying(RaftException.class,
                    ex -> assertThat(ex.reason()).isEqualTo(RaftException.Reason.INTERNAL))
            .hasMessageContaining("disk");
    }

    @Test
    void awaitGivesUpAtItsLimitWithoutEndingTheOperation() {
        CompletableFuture<String> operation = new CompletableFuture<>();

        assertThatThrownBy(() -> RequestDeadlines.await(operation, Duration.ofMillis(100)))
            .isInstanceOfSatisfying(RaftException.class,
                    ex -> assertThat(ex.reason()).isEqualTo(RaftException.Reason.TIMEOUT))
            .hasMessage("The cluster did not answer within 100 ms; it may still complete");
        assertThat(operation).isNotDone();
    }

    @Test
    void anInterruptedWaitIsATimeoutAndKeepsTheFlag() throws InterruptedException {
        CompletableFuture<String> operation = new CompletableFuture<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                RequestDeadlines.await(operation, Duration.ofMinutes(1));
            }
            catch (RuntimeException ex) {
                thrown.set(ex);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        waiter.start();
        await().until(() -> waiter.getState() == Thread.State.WAITING);

        waiter.interrupt();
        waiter.join(Duration.ofSeconds(5).toMillis());

        assertThat(thrown.get()).isInstanceOfSatisfying(RaftException.class,
                ex -> assertThat(ex.reason()).isEqualTo(RaftException.Reason.TIMEOUT));
        assertThat(flag.get()).isTrue();
        assertThat(operation).isNotDone();
    }
}
