package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.impl.RaftContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a node's stop, each waited for within its own bound: a step that does not finish in time (a node that
 * lost its quorum cannot hand over its leadership or close its session) is logged and the stop goes on.
 */
final class BoundedStop {

    private static final Logger logger = LoggerFactory.getLogger(BoundedStop.class);

    private final String nodeId;

    BoundedStop(String nodeId) {
        this.nodeId = nodeId;
    }

    /** Waits for {@code step} until {@code deadlineNanos} ({@link System#nanoTime()}); a failure is logged. */
    void await(CompletableFuture<?> step, long deadlineNanos, String what) {
        try {
            step.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            logger.warn("Raft node '{}' could not {} while stopping: {}", nodeId, what,
                    AtomixErrors.unwrap(ex).toString());
        }
    }

    /**
     * Stops the Raft context: inactive, then closed, in one task on its Raft thread. Atomix's shutdown() closes the
     * context from another thread once the transition is done, while the Raft thread may still be running a task
     * queued before it: a vote answer that made a stopping node leader read its log as the log was being closed, and
     * the JVM died of a SIGSEGV in the unmapped segment (a verify on 2026-12-02). Closed on the Raft thread, no task
     * of it runs during the close, and none after (its executor is shut down). Atomix's shutdown() also refuses a
     * server that has not finished joining.
     */
    static CompletableFuture<Void> stopServer(RaftContext context) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        try {
            context.getThreadContext().execute(() -> {
                try {
                    context.transition(RaftServer.Role.INACTIVE);
                }
                finally {
                    context.close();
                    stopped.complete(null);
                }
            });
        }
        catch (RejectedExecutionException ex) {
            // The Raft thread is gone already: nothing of it can run during the close.
            context.close();
            stopped.complete(null);
        }
        return stopped;
    }
}
