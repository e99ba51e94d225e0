package io.github.raftspringboot.api;

import java.util.Set;

/**
 * The state machines that share this node's Raft log: the key-value store's ({@link #KEY_VALUE}) and every
 * {@link ReplicatedStateMachine} the application registers (with the starter: each such bean, under its bean name).
 * Each has its own state, its own snapshot section and its own commands; all are ordered by the one log.
 */
public interface RaftStateMachines {

    /** The name of the key-value store's state machine. */
    String KEY_VALUE = "kv";

    /** The registered names, in registration order. */
    Set<String> names();

    /**
     * A client that sends commands and queries to the named state machine.
     *
     * @throws IllegalArgumentException if no state machine has that name (the message lists the names there are)
     */
    RaftStateMachineClient client(String name);
}
