package io.github.raftspringboot.api;

import java.util.concurrent.CompletableFuture;

/**
 * Sends commands and queries to one named {@link ReplicatedStateMachine} of the cluster, from any node: commands go
 * through the leader and are applied on every node in log order; queries are answered at the consistency asked for.
 * Failures are {@link RaftException}s; wait with {@link RaftFutures#await}. Futures complete as those of
 * {@link AsyncRaftKeyValueStore} do: on callback threads, never on a Raft or network thread.
 */
public interface RaftStateMachineClient {

    /** The state machine's name. */
    String name();

    /**
     * Replicates {@code command}: the state machine's {@link ReplicatedStateMachine#validate} runs first on this node
     * (an invalid command fails with {@code INVALID_REQUEST} and is never appended), then
     * {@link ReplicatedStateMachine#apply} on every node.
     */
    CompletableFuture<Applied> submit(byte[] command);

    /**
     * Runs {@link ReplicatedStateMachine#query}: {@link ReadConsistency#LINEARIZABLE} on the leader after it confirmed
     * its leadership; {@link ReadConsistency#LOCAL} on this node's copy, after it applied this client's own writes.
     */
    CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency);

    /**
     * A command's outcome.
     *
     * @param index  the log index it was applied at
     * @param result what {@link ReplicatedStateMachine#apply} returned
     */
    record Applied(long index, byte[] result) {
    }
}
