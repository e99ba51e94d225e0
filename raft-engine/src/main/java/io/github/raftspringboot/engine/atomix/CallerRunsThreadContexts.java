package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;

import io.atomix.utils.concurrent.AbstractThreadContext;
import io.atomix.utils.concurrent.Scheduled;
import io.atomix.utils.concurrent.ThreadContext;
import io.atomix.utils.concurrent.ThreadContextFactory;

/**
 * Thread contexts for the node's embedded Raft client that run their tasks on the thread that hands them over, one
 * at a time and in order, instead of on a pool thread: a request is sent from the thread that makes it, and an answer
 * is handled on the thread that receives it. Atomix's own contexts hand every task to a pool thread, and a write took
 * three such hops on its way (send, answer, completion), each waking a thread.
 * <p>
 * A task handed over while another runs is queued and run by the thread running the first, after it, so the tasks of
 * one context never overlap and keep their order. Delayed tasks (keep-alives, retries) wait on one timer thread and
 * then go through the context like any other task.
 */
final class CallerRunsThreadContexts implements ThreadContextFactory {

    private final ScheduledThreadPoolExecutor timer;

    CallerRunsThreadContexts(String timerThreadName) {
        this.timer = new ScheduledThreadPoolExecutor(1,
                new ThreadFactoryBuilder().setNameFormat(timerThreadName).setDaemon(true).build());
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public ThreadContext createContext() {
        return new CallerRunsContext(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static final class CallerRunsContext extends AbstractThreadContext {

        private final Executor tasks = MoreExecutors.newSequentialExecutor(MoreExecutors.directExecutor());

        private final ScheduledExecutorService timer;

        CallerRunsContext(ScheduledExecutorService timer) {
            this.timer = timer;
        }

        @Override
        public void execute(Runnable command) {
            tasks.execute(command);
        }

        @Override
        public Scheduled schedule(Duration delay, Runnable task) {
            ScheduledFuture<?> future = timer.schedule(() -> execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        }

        @Override
        public Scheduled schedule(Duration delay, Duration interval, Runnable task) {
            ScheduledFuture<?> future = timer.scheduleAtFixedRate(() -> execute(task), delay.toMillis(),
                    interval.toMillis(), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        }

        @Override
        public void close() {
            // The timer belongs to the factory; a context holds nothing of its own.
        }
    }
}
