package io.github.raftspringboot.engine.kv;

import java.time.Duration;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.RaftEngine;
import tools.jackson.databind.json.JsonMapper;

/** Builds the replicated JSON key-value store: the state machine the log drives and the store API over it. */
public final class KeyValueStores {

    private KeyValueStores() {
    }

    /**
     * The key-value state machine, to hand to the engine. {@code mapper} is the application's; the store parses with
     * a copy of it that refuses duplicate keys and keeps decimals exact ({@link StoreCommands#strict}).
     */
    public static ReplicatedStateMachine stateMachine(JsonMapper mapper, StoreLimits limits) {
        return new KeyValueStateMachine(StoreCommands.strict(mapper), limits);
    }

    /**
     * As {@link #stateMachine(JsonMapper, StoreLimits)}, keeping the last {@code watchHistory} changes, and at most
     * about {@code watchHistoryBytes} of them, for watches.
     */
    public static ReplicatedStateMachine stateMachine(JsonMapper mapper, StoreLimits limits, int watchHistory,
            long watchHistoryBytes) {
        return new KeyValueStateMachine(StoreCommands.strict(mapper), limits, watchHistory, watchHistoryBytes);
    }

    /**
     * As {@link #stateMachine(JsonMapper, StoreLimits, int, long)}, writing its snapshots in {@code snapshotFormat}
     * (it reads every format).
     */
    public static ReplicatedStateMachine stateMachine(JsonMapper mapper, StoreLimits limits, int watchHistory,
            long watchHistoryBytes, StoreSnapshotFormat snapshotFormat) {
        return new KeyValueStateMachine(StoreCommands.strict(mapper), limits, watchHistory, watchHistoryBytes,
                snapshotFormat);
    }

    /**
     * The store API over an engine that runs {@code stateMachine}.
     *
     * @throws IllegalArgumentException if {@code stateMachine} is not one made by {@link #stateMachine}
     */
    public static RaftKeyValueStore store(RaftEngine engine, ReplicatedStateMachine stateMachine, JsonMapper mapper,
            StoreLimits limits, Duration requestTimeout) {
        if (!(stateMachine instanceof KeyValueStateMachine state)) {
            throw new IllegalArgumentException("The RaftKeyValueStore needs the key-value state machine, not "
                    + stateMachine.getClass().getName());
        }
        long timeout = requestTimeout.toMillis();
        JsonMapper strict = StoreCommands.strict(mapper);
        StoreCalls calls = new StoreCalls(engine, state, strict, limits, timeout);
        return new ReplicatedKeyValueStore(calls, new ReplicatedAsyncKeyValueStore(calls), state, limits, strict,
                timeout);
    }

    /**
     * The lease API over an engine that runs {@code stateMachine}. This node proposes expiries while it leads, checking
     * the lease clocks every {@code expiryTick}; close the returned object (Spring does) to stop that.
     *
     * @throws IllegalArgumentException if {@code stateMachine} is not one made by {@link #stateMachine}
     */
    public static RaftLeases leases(RaftEngine engine, ReplicatedStateMachine stateMachine, JsonMapper mapper,
            StoreLimits limits, Duration requestTimeout, Duration expiryTick) {
        if (!(stateMachine instanceof KeyValueStateMachine state)) {
            throw new IllegalArgumentException("RaftLeases need the key-value state machine, not "
                    + stateMachine.getClass().getName());
        }
        return new ReplicatedLeases(engine, state, StoreCommands.strict(mapper), limits, requestTimeout.toMillis(),
                expiryTick.toMillis());
    }
}
