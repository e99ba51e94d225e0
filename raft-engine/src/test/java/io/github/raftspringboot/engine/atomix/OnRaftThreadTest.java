package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.atomix.utils.concurrent.SingleThreadContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A continuation of a handler's future runs on the Raft thread even when the future was already complete as it was
 * attached (a plain {@code thenApply} would run it on the attaching thread: the gRPC event loop), and without a hop
 * when it is attached on the Raft thread.
 */
class OnRaftThreadTest {

    @Test
    void aContinuationOfACompletedFutureRunsOnTheRaftThread() throws Exception {
        try (SingleThreadContext raft = new SingleThreadContext("raft-test-%d")) {
            Thread raftThread = CompletableFuture.supplyAsync(Thread::currentThread, raft).get(10, TimeUnit.SECONDS);
            CompletableFuture<String> done = CompletableFuture.completedFuture("answer");

            Thread plain = done.thenApply(ignored -> Thread.currentThread()).get(10, TimeUnit.SECONDS);
            Thread onRaft = done.thenApplyAsync(ignored -> Thread.currentThread(), new OnRaftThread(raft))
                .get(10, TimeUnit.SECONDS);

            assertThat(plain).as("thenApply on a completed future").isSameAs(Thread.currentThread());
            assertThat(onRaft).isSameAs(raftThread);
        }
    }

    @Test
    void onTheRaftThreadItRunsAtOnce() throws Exception {
        try (SingleThreadContext raft = new SingleThreadContext("raft-test-%d")) {
            OnRaftThread executor = new OnRaftThread(raft);
            boolean[] ranInline = new boolean[1];
            CompletableFuture.runAsync(() -> {
                boolean[] ran = new boolean[1];
                executor.execute(() -> ran[0] = true);
                // Queued, it would run only after this task: seen here, it ran inline.
                ranInline[0] = ran[0];
            }, raft).get(10, TimeUnit.SECONDS);
            assertThat(ranInline[0]).isTrue();
        }
    }
}
