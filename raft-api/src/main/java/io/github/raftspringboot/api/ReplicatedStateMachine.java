package io.github.raftspringboot.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The deterministic state machine the Raft log drives. The engine calls {@link #apply} for every committed
 * command, in log order, on one thread; {@link #query} may run concurrently with {@code apply}.
 */
public interface ReplicatedStateMachine {

    /**
     * Applies a committed command. Must be deterministic and must not throw for bad input: an invalid command
     * is answered with an error result so that every node reaches the same state.
     *
     * @param index   the log index of the command
     * @param command the command bytes as submitted
     * @return the result bytes handed back to the submitter
     */
    byte[] apply(long index, byte[] command);

    /**
     * Checks a command before it is appended to the log, so that bad input never reaches it.
     *
     * @return {@code null} when the command is valid, otherwise a message saying what is wrong
     */
    String validate(byte[] command);

    /** Answers a read-only query against the current state. */
    byte[] query(byte[] query);

    /** Writes the whole state; {@link #restore} must rebuild exactly this state from it. */
    void snapshot(OutputStream out) throws IOException;

    /**
     * Replaces the whole state with one written by {@link #snapshot} (from a Raft snapshot, or a backup restored with
     * {@code RaftNode.restore}). Concurrent queries must see the old state or the new one, never a mix, and a restore
     * that throws must leave the old state in place: a backup the state machine cannot read is then refused on every
     * node alike.
     */
    void restore(InputStream in) throws IOException;
}
