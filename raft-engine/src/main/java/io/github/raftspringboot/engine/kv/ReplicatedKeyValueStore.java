package io.github.raftspringboot.engine.kv;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnResult;
import io.github.raftspringboot.api.WriteResult;

/**
 * The blocking store: each call waits for the engine's answer, for at most the request timeout, and finishes on the
 * calling thread (the engine thread that completes the answer only wakes it).
 */
final class ReplicatedKeyValueStore implements RaftKeyValueStore {

    private final StoreCalls calls;

    private final ReplicatedAsyncKeyValueStore async;

    private final KeyValueStateMachine state;

    private final StoreLimits limits;

    private final JsonMapper mapper;

    private final Duration timeout;

    ReplicatedKeyValueStore(StoreCalls calls, ReplicatedAsyncKeyValueStore async, KeyValueStateMachine state, StoreLimits limits,
            JsonMapper mapper, long timeoutMillis) {
        this.calls = calls;
        this.async = async;
        this.state = state;
        this.limits = limits;
        this.mapper = mapper;
        // A little over the engine's own limit, so that the engine's clearer timeout error wins.
        this.timeout = Duration.ofMillis(timeoutMillis + 1000);
    }

    @Override
    public Optional<JsonNode> get(String key) {
        return get(key, ReadConsistency.LINEARIZABLE);
    }

    @Override
    public Optional<JsonNode> get(String key, ReadConsistency consistency) {
        return calls.get(key, consistency).await(timeout);
    }

    @Override
    public <T> Optional<T> get(String key, Class<T> type) {
        return get(key).map(value -> mapper.treeToValue(value, type));
    }

    @Override
    public WriteResult put(String key, Object value) {
        return calls.put(key, value).await(timeout);
    }

    @Override
    public WriteResult putAll(Map<String, ?> entries) {
        return calls.putAll(entries).await(timeout);
    }

    @Override
    public WriteResult delete(String key) {
        return calls.delete(key).await(timeout);
    }

    @Override
    public WriteResult compareAndSet(String key, Object expected, Object newValue) {
        return calls.compareAndSet(key, expected, newValue).await(timeout);
    }

    @Override
    public List<String> keys(String prefix) {
        return keys(prefix, ReadConsistency.LINEARIZABLE);
    }

    @Override
    public List<String> keys(String prefix, ReadConsistency consistency) {
        return calls.keys(prefix, consistency).await(timeout);
    }

    @Override
    public SortedMap<String, JsonNode> entries(String prefix, ReadConsistency consistency) {
        return calls.entries(prefix, consistency).await(timeout);
    }

    @Override
    public long size() {
        return size(ReadConsistency.LINEARIZABLE);
    }

    @Override
    public long size(ReadConsistency consistency) {
        return calls.size(consistency).await(timeout);
    }

    @Override
    public Optional<KeyValueEntry> getEntry(String key) {
        return getEntry(key, ReadConsistency.LINEARIZABLE);
    }

    @Override
    public Optional<KeyValueEntry> getEntry(String key, ReadConsistency consistency) {
        return calls.getEntry(key, consistency).await(timeout);
    }

    @Override
    public TxnResult txn(Txn txn) {
        return calls.txn(txn).await(timeout);
    }

    @Override
    public RaftWatch watch(String prefix, long fromRevision, RaftWatchListener listener) {
        String safePrefix = (prefix != null) ? prefix : "";
        return state.watch(key -> key.startsWith(safePrefix), fromRevision, listener);
    }

    @Override
    public RaftWatch watchKey(String key, long fromRevision, RaftWatchListener listener) {
        limits.checkKey(key);
        return state.watch(key::equals, fromRevision, listener);
    }

    @Override
    public AsyncRaftKeyValueStore async() {
        return async;
    }

}
