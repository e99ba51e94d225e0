package io.github.raftspringboot.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;

/** A {@link RaftKeyValueStore} that times every operation of the store it wraps. */
final class TimedRaftKeyValueStore implements RaftKeyValueStore {

    private final RaftKeyValueStore delegate;

    private final StoreOperationTimer timer;

    private final AsyncRaftKeyValueStore async;

    TimedRaftKeyValueStore(RaftKeyValueStore delegate, StoreOperationTimer timer) {
        this.delegate = delegate;
        this.timer = timer;
        this.async = new TimedAsyncRaftKeyValueStore(delegate.async(), timer);
    }

    /** The store without timing, for readings that should not count as operations. */
    RaftKeyValueStore delegate() {
        return delegate;
    }

    @Override
    public Optional<JsonNode> get(String key) {
        return timer.time("get", ReadConsistency.LINEARIZABLE, () -> delegate.get(key));
    }

    @Override
    public Optional<JsonNode> get(String key, ReadConsistency consistency) {
        return timer.time("get", consistency, () -> delegate.get(key, consistency));
    }

    @Override
    public <T> Optional<T> get(String key, Class<T> type) {
        return timer.time("get", ReadConsistency.LINEARIZABLE, () -> delegate.get(key, type));
    }

    @Override
    public WriteResult put(String key, Object value) {
        return timer.time("put", null, () -> delegate.put(key, value));
    }

    @Override
    public WriteResult putAll(Map<String, ?> entries) {
        return timer.time("put_all", null, () -> delegate.putAll(entries));
    }

    @Override
    public WriteResult delete(String key) {
        return timer.time("delete", null, () -> delegate.delete(key));
    }

    @Override
    public WriteResult compareAndSet(String key, Object expected, Object newValue) {
        return timer.time("cas", null, () -> delegate.compareAndSet(key, expected, newValue));
    }

    @Override
    public List<String> keys(String prefix) {
        return timer.time("keys", ReadConsistency.LINEARIZABLE, () -> delegate.keys(prefix));
    }

    @Override
    public List<String> keys(String prefix, ReadConsistency consistency) {
        return timer.time("keys", consistency, () -> delegate.keys(prefix, consistency));
    }

    @Override
    public SortedMap<String, JsonNode> entries(String prefix, ReadConsistency consistency) {
        return timer.time("entries", consistency, () -> delegate.entries(prefix, consistency));
    }

    @Override
    public long size() {
        return timer.time("size", ReadConsistency.LINEARIZABLE, delegate::size);
    }

    @Override
    public long size(ReadConsistency consistency) {
        return timer.time("size", consistency, () -> delegate.size(consistency));
    }

    @Override
    public AsyncRaftKeyValueStore async() {
        return async;
    }
}
