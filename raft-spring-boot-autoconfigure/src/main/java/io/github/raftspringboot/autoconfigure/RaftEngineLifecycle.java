package io.github.raftspringboot.autoconfigure;

import org.springframework.context.SmartLifecycle;

import io.github.raftspringboot.engine.RaftEngine;

/**
 * Starts the Raft node with the application context and stops it on context close (SIGTERM included). Its phase
 * is below the web server's, so the node starts before the server accepts requests and stops after it has
 * drained them.
 */
final class RaftEngineLifecycle implements SmartLifecycle {

    /** Below the web server's start/stop and graceful-shutdown phases. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

    private final RaftEngine engine;

    RaftEngineLifecycle(RaftEngine engine) {
        this.engine = engine;
    }

    @Override
    public void start() {
        engine.start();
    }

    @Override
    public void stop() {
        engine.close();
    }

    @Override
    public boolean isRunning() {
        return engine.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
