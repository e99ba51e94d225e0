package io.github.raftspringboot.engine;

import io.github.raftspringboot.api.RaftRole;

/**
 * Receives the engine's role and leader changes, one at a time and in the order they happened, on the
 * engine's notification thread.
 */
public interface RaftEngineListener {

    /** This node's role changed. */
    default void roleChanged(RaftRole previous, RaftRole current, long term) {
    }

    /** The leader known to this node changed; {@code leaderId} is {@code null} when none is known. */
    default void leaderChanged(String leaderId, String leaderAddress, long term) {
    }
}
