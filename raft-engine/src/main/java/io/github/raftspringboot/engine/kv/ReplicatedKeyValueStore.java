package io.github.raftspringboot.engine.kv;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

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
import io.github.raftspringboot.engine.RequestDeadlines;

/** The blocking store: each call waits for its asynchronous counterpart, for at most the request timeout. */
final class ReplicatedKeyValueStore implements RaftKeyValueStore {

    private final ReplicatedAsyncKeyValueStore async;

    private final KeyValueStateMachine state;

    private final StoreLimits limits;

    private final JsonMapper mapper;

    private final Duration timeout;

    ReplicatedKeyValueStore(ReplicatedAsyncKeyValueStore async, KeyValueStateMachine state, StoreLimits limits,
            JsonMapper mapper, long timeoutMillis) {
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
        return await(async.get(key, consistency));
    }

    @Override
    public <T> Optional<T> get(String key, Class<T> type) {
        return get(key).map(value -> mapper.treeToValue(value, type));
    }

    @Override
    public WriteResult put(String key, Object value) {
        return await(async.put(key, value));
    }

    @Override
    public WriteResult putAll(Map<String, ?> entries) {
        return await(async.putAll(entries));
    }

    @Override
    public WriteResult delete(String key) {
        return await(async.delete(key));
    }

    @Override
    public WriteResult compareAndSet(String key, Object expected, Object newValue) {
        return await(async.compareAndSet(key, expected, newValue));
    }

    @Override
    public List<String> keys(String prefix) {
        return keys(prefix, ReadConsistency.LINEARIZABLE);
    }

    @Override
    public List<String> keys(String prefix, ReadConsistency consistency) {
        return await(async.keys(prefix, consistency));
    }

    @Override
    public SortedMap<String, JsonNode> entries(String prefix, ReadConsistency consistency) {
        return await(async.entries(prefix, consistency));
    }

    @Override
    public long size() {
        return size(ReadConsistency.LINEARIZABLE);
    }

    @Override
    public long size(ReadConsistency consistency) {
        return await(async.size(consistency));
    }

    @Override
    public Optional<KeyValueEntry> getEntry(String key) {
        return getEntry(key, ReadConsistency.LINEARIZABLE);
    }

    @Override
    public Optional<KeyValueEntry> getEntry(String key, ReadConsistency consistency) {
        return await(async.getEntry(key, consistency));
    }

    @Override
    public TxnResult txn(Txn txn) {
        return await(async.txn(txn));
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

    private <T> T await(CompletableFuture<T> future) {
        return RequestDeadlines.await(future, timeout);
    }
}
