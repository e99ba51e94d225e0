package io.github.raftspringboot.autoconfigure;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.RaftEngine;

/**
 * The engine's {@link RaftEngine#open() opening}, run on a thread of its own from the moment its life cycle bean is
 * created, so that it overlaps the creation of the application's other beans instead of adding to the start.
 * <p>
 * Opening claims the state directory, binds the Raft port and opens the log: 340-670 ms of a one-node start on two
 * cores, all of it on the main thread before (docs/benchmarks.md, start-up results). {@link #await()} hands its outcome back to the thread that starts the context: a failure is thrown
 * there as it was thrown here, so the start-up stops where it did and is analysed the same way. Joining the cluster
 * still waits for the whole context (see {@link RaftEngineLifecycle}).
 */
final class EngineOpening {

    private static final Logger logger = LoggerFactory.getLogger(EngineOpening.class);

    private final CompletableFuture<Void> outcome = new CompletableFuture<>();

    /** Set once the failure has been thrown to the caller of {@link #await()}, so it is not reported twice. */
    private volatile boolean failureThrown;

    private EngineOpening() {
    }

    static EngineOpening begin(RaftEngine engine) {
        EngineOpening opening = new EngineOpening();
        Thread thread = new Thread(() -> opening.run(engine), "raft-open-" + engine.nodeId());
        thread.setDaemon(true);
        thread.start();
        return opening;
    }

    private void run(RaftEngine engine) {
        try {
            logger.debug("Opening the Raft engine while the application context starts");
            engine.open();
            logger.debug("Raft engine opened");
            outcome.complete(null);
        }
        catch (Throwable ex) {
            // Errors too (an OutOfMemoryError while the log opens): the starting thread rethrows whatever it was.
            outcome.completeExceptionally(ex);
        }
    }

    /** Waits for the opening to end; throws its failure, unchanged. */
    void await() {
        Throwable failure = failure();
        if (failure == null) {
            return;
        }
        failureThrown = true;
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("The Raft engine failed to open: " + failure.getMessage(), failure);
    }

    /**
     * For a context closed before the engine's life cycle started (another bean failed): waits for the opening, so
     * that closing the engine releases what it opened, and reports a failure no one else will.
     */
    void abandon() {
        Throwable failure = failure();
        if (failure != null && !failureThrown) {
            logger.warn("The Raft engine also failed to open while the application context was starting", failure);
        }
    }

    private Throwable failure() {
        try {
            outcome.join();
            return null;
        }
        catch (CompletionException ex) {
            return ex.getCause();
        }
    }
}
