package io.github.raftspringboot.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;

/** An {@link AsyncRaftKeyValueStore} that times every operation, from call to completion of its future. */
final class TimedAsyncRaftKeyValueStore implements AsyncRaftKeyValueStore {

    private final AsyncRaftKeyValueStore delegate;

    private final StoreOperationTimer timer;

    TimedAsyncRaftKeyValueStore(AsyncRaftKeyValueStore delegate, StoreOperationTimer timer) {
        this.delegate = delegate;
        this.timer = timer;
    }

    @Override
    public CompletableFuture<Optional<JsonNode>> get(String key, ReadConsistency consistency) {
        return timer.timeAsync("get", consistency, () -> delegate.get(key, consistency));
    }

    @Override
    public CompletableFuture<WriteResult> put(String key, Object value) {
        return timer.timeAsync("put", null, () -> delegate.put(key, value));
    }

    @Override
    public CompletableFuture<WriteResult> putAll(Map<String, ?> entries) {
        return timer.timeAsync("put_all", null, () -> delegate.putAll(entries));
    }

    @Override
    public CompletableFuture<WriteResult> delete(String key) {
        return timer.timeAsync("delete", null, () -> delegate.delete(key));
    }

    @Override
    public CompletableFuture<WriteResult> compareAndSet(String key, Object expected, Object newValue) {
        return timer.timeAsync("cas", null, () -> delegate.compareAndSet(key, expected, newValue));
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, ReadConsistency consistency) {
        return timer.timeAsync("keys", consistency, () -> delegate.keys(prefix, consistency));
    }

    @Override
    public CompletableFuture<SortedMap<String, JsonNode>> entries(String prefix, ReadConsistency consistency) {
        return timer.timeAsync("entries", consistency, () -> delegate.entries(prefix, consistency));
    }

    @Override
    public CompletableFuture<Long> size(ReadConsistency consistency) {
        return timer.timeAsync("size", consistency, () -> delegate.size(consistency));
    }
}
