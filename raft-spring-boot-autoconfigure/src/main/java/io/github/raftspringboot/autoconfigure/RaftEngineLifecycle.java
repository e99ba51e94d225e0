package io.github.raftspringboot.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextRefreshedEvent;

import io.github.raftspringboot.engine.RaftEngine;

/**
 * Opens the Raft node with the application context, lets it join the cluster once the context has fully started,
 * and stops it on context close (SIGTERM included).
 * <p>
 * Opening (state directory, Raft port, storage) begins on a thread of its own as soon as this bean is created, while
 * the context creates the other beans ({@link EngineOpening}); the life cycle's start, in a phase below the web
 * server's, waits for it, so its failures still stop the start-up early, and the node stops after the web server has
 * drained its requests. Joining waits for the context's
 * refresh to complete (every server bound, every bean ready): a node whose application fails to start never
 * campaigns, votes or accepts entries, and {@link #stop()} then releases what it opened.
 */
final class RaftEngineLifecycle
        implements SmartLifecycle, ApplicationListener<ContextRefreshedEvent>, InitializingBean, DisposableBean {

    /** Below the web server's start/stop and graceful-shutdown phases. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

    private final RaftEngine engine;

    private final ApplicationContext applicationContext;

    private volatile boolean opened;

    /** The opening begun when this bean was created, or {@code null} when none was (then start() opens). */
    private volatile EngineOpening opening;

    RaftEngineLifecycle(RaftEngine engine, ApplicationContext applicationContext) {
        this.engine = engine;
        this.applicationContext = applicationContext;
    }

    /** Begins opening the engine in the background once this bean is created. */
    @Override
    public void afterPropertiesSet() {
        opening = EngineOpening.begin(engine);
    }

    @Override
    public void start() {
        EngineOpening begun = opening;
        if (begun != null) {
            begun.await();
        }
        engine.open();
        opened = true;
    }

    /** Runs before the engine's own close: an opening still under way is waited for. */
    @Override
    public void destroy() {
        EngineOpening begun = opening;
        if (begun != null && !opened) {
            begun.abandon();
        }
    }

    /** The refresh of this context (not of a child, such as a separate management context) has completed. */
    @Override
    public void onApplicationEvent(ContextRefreshedEvent event) {
        if (opened && event.getApplicationContext() == applicationContext) {
            engine.start();
        }
    }

    @Override
    public void stop() {
        opened = false;
        engine.close();
    }

    @Override
    public boolean isRunning() {
        return opened;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
