package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.atomix.utils.concurrent.Scheduled;
import io.atomix.utils.concurrent.ThreadContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The embedded client's contexts: tasks run on the thread that hands them over, one at a time, in order. */
class CallerRunsThreadContextsTest {

    private final CallerRunsThreadContexts contexts = new CallerRunsThreadContexts("test-client-timer");

    @AfterEach
    void close() {
        contexts.close();
    }

    @Test
    void anIdleContextRunsTheTaskOnTheCallersThreadBeforeReturning() {
        ThreadContext context = contexts.createContext();
        List<String> ran = new CopyOnWriteArrayList<>();
        context.execute(() -> ran.add(Thread.currentThread().getName()));
        assertThat(ran).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void aTaskHandedOverWhileAnotherRunsRunsAfterItOnTheSameThread() {
        ThreadContext context = contexts.createContext();
        List<String> ran = new CopyOnWriteArrayList<>();
        context.execute(() -> {
            context.execute(() -> ran.add("second on " + Thread.currentThread().getName()));
            ran.add("first");
        });
        assertThat(ran).containsExactly("first", "second on " + Thread.currentThread().getName());
    }

    @Test
    void tasksFromManyThreadsNeverOverlapAndKeepEachThreadsOrder() throws InterruptedException {
        ThreadContext context = contexts.createContext();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int threads = 8;
        int perThread = 2_000;
        int[][] seen = new int[threads][1];
        AtomicInteger outOfOrder = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            new Thread(() -> {
                try {
                    start.await();
                    for (int i = 1; i <= perThread; i++) {
                        int expected = i;
                        context.execute(() -> {
                            if (running.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            // Unsynchronized on purpose: the context's hand-over must make it visible.
                            if (seen[thread][0] + 1 != expected) {
                                outOfOrder.incrementAndGet();
                            }
                            seen[thread][0] = expected;
                            running.decrementAndGet();
                        });
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                finally {
                    done.countDown();
                }
            }).start();
        }
        start.countDown();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        // Every task has run once its handing thread returned, or is run by the thread still draining.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (int[] last : seen) {
                if (last[0] != perThread) {
                    return false;
                }
            }
            return true;
        });
        assertThat(overlaps).hasValue(0);
        assertThat(outOfOrder).hasValue(0);
    }

    @Test
    void aDelayedTaskRunsThroughTheContextAndCanBeCancelled() {
        ThreadContext context = contexts.createContext();
        List<String> ran = new CopyOnWriteArrayList<>();
        context.schedule(Duration.ofMillis(20), () -> ran.add("once"));
        Scheduled cancelled = context.schedule(Duration.ofMillis(200), () -> ran.add("cancelled"));
        cancelled.cancel();
        AtomicInteger ticks = new AtomicInteger();
        Scheduled periodic = context.schedule(Duration.ofMillis(10), Duration.ofMillis(10), ticks::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.contains("once") && ticks.get() >= 3);
        periodic.cancel();
        int afterCancel = ticks.get();
        // The cancelled one-off would have run by now; the periodic one stays stopped (one tick may be under way).
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(ticks.get()).isLessThanOrEqualTo(afterCancel + 1));
        assertThat(ran).containsExactly("once");
    }
}
