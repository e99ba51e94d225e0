package io.github.raftspringboot.engine;

import java.util.concurrent.CompletableFuture;

import io.github.raftspringboot.api.RaftNode;

/**
 * A running Raft member that replicates commands for one {@link ReplicatedStateMachine}. Created stopped;
 * {@link #start()} binds the peer listener and joins or forms the cluster without waiting for a leader.
 */
public interface RaftEngine extends RaftNode, RaftMetricsSource, AutoCloseable {

    /**
     * Prepares the node without letting it take part in the cluster: checks the state directory, binds the Raft
     * port and opens the storage. Fails fast (port in use, unusable state directory). Until {@link #start()}, the
     * node neither campaigns nor accepts entries; {@link #close()} releases what it holds. Idempotent.
     */
    void open();

    /**
     * Starts the node ({@link #open() opening} it first if needed): it joins or forms the cluster, without waiting
     * for a leader.
     */
    void start();

    /** Whether {@link #start()} succeeded and the node has not been stopped or shut down since. */
    boolean isRunning();

    /** Replicates {@code command}; completes with the state machine's result once it is committed and applied. */
    CompletableFuture<CommandResult> submit(byte[] command);

    /** Runs a read-only query after confirming leadership with a majority (linearizable). */
    CompletableFuture<byte[]> linearizableQuery(byte[] query);

    /**
     * Completes once the local state machine reflects every write acknowledged (through any node) before the call:
     * the leader's commit index, confirmed by a majority (ReadIndex), applied here. A read of the local state after
     * it is linearizable. Fails (TIMEOUT, SHUTDOWN) rather than complete when no confirmed leader answers.
     */
    CompletableFuture<Void> linearizableReadBarrier();

    /** The highest log index applied to the local state machine. */
    long appliedIndex();

    /** Completes once the local state machine has applied {@code index} (at once if it already has). */
    CompletableFuture<Void> awaitApplied(long index);

    /** Registers a listener for role and leader changes. */
    void addListener(RaftEngineListener listener);

    /** Stops the node gracefully: hands over leadership if it leads, then closes. Idempotent. */
    @Override
    void close();

    /**
     * The outcome of a replicated command.
     *
     * @param index  the log index the command was applied at
     * @param result the state machine's result bytes
     */
    record CommandResult(long index, byte[] result) {
    }
}
