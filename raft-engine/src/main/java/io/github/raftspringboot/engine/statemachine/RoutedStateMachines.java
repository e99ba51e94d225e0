package io.github.raftspringboot.engine.statemachine;

import java.util.Set;

import io.github.raftspringboot.api.RaftStateMachineClient;
import io.github.raftspringboot.api.RaftStateMachines;
import io.github.raftspringboot.engine.RaftEngine;

/** {@link RaftStateMachines} over an engine that runs a {@link StateMachineRouter}. */
public final class RoutedStateMachines implements RaftStateMachines {

    private final RaftEngine engine;

    private final StateMachineRouter router;

    private final long timeoutMillis;

    /**
     * @param engine        the engine whose state machine is {@code router}
     * @param router        the state machines
     * @param timeoutMillis how long a LOCAL query waits for this node to apply the client's own writes
     */
    public RoutedStateMachines(RaftEngine engine, StateMachineRouter router, long timeoutMillis) {
        this.engine = engine;
        this.router = router;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Set<String> names() {
        return router.names();
    }

    @Override
    public RaftStateMachineClient client(String name) {
        if (router.machine(name) == null) {
            throw new IllegalArgumentException("No state machine is called '" + name + "'; the state machines are "
                    + router.names());
        }
        return new RoutedStateMachineClient(engine, router, name, timeoutMillis);
    }
}
