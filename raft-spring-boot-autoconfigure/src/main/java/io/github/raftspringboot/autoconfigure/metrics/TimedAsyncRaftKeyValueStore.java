package io.github.raftspringboot.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Timer;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnResult;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;

/** Times every call of the asynchronous store, from the call until its future completes. */
final class TimedAsyncRaftKeyValueStore implements AsyncRaftKeyValueStore {

    private final AsyncRaftKeyValueStore delegate;

    private final StoreOperationTimer timer;

    TimedAsyncRaftKeyValueStore(AsyncRaftKeyValueStore delegate, StoreOperationTimer timer) {
        this.delegate = delegate;
        this.timer = timer;
    }

    @Override
    public CompletableFuture<Optional<JsonNode>> get(String key, ReadConsistency consistency) {
        return time("get", consistency, () -> delegate.get(key, consistency));
    }

    @Override
    public CompletableFuture<WriteResult> put(String key, Object value) {
        return time("put", null, () -> delegate.put(key, value));
    }

    @Override
    public CompletableFuture<WriteResult> putAll(Map<String, ?> entries) {
        return time("put_all", null, () -> delegate.putAll(entries));
    }

    @Override
    public CompletableFuture<WriteResult> delete(String key) {
        return time("delete", null, () -> delegate.delete(key));
    }

    @Override
    public CompletableFuture<WriteResult> compareAndSet(String key, Object expected, Object newValue) {
        return time("cas", null, () -> delegate.compareAndSet(key, expected, newValue));
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, ReadConsistency consistency) {
        return time("keys", consistency, () -> delegate.keys(prefix, consistency));
    }

    @Override
    public CompletableFuture<SortedMap<String, JsonNode>> entries(String prefix, ReadConsistency consistency) {
        return time("entries", consistency, () -> delegate.entries(prefix, consistency));
    }

    @Override
    public CompletableFuture<Long> size(ReadConsistency consistency) {
        return time("size", consistency, () -> delegate.size(consistency));
    }

    @Override
    public CompletableFuture<Optional<KeyValueEntry>> getEntry(String key, ReadConsistency consistency) {
        return time("get_entry", consistency, () -> delegate.getEntry(key, consistency));
    }

    @Override
    public CompletableFuture<TxnResult> txn(Txn txn) {
        return time("txn", null, () -> delegate.txn(txn));
    }

    private <T> CompletableFuture<T> time(String operation, ReadConsistency consistency,
            Supplier<CompletableFuture<T>> call) {
        Timer.Sample sample = timer.start();
        CompletableFuture<T> result;
        try {
            result = call.get();
        }
        catch (RuntimeException ex) {
            timer.stop(sample, operation, consistency, false);
            throw ex;
        }
        // The caller gets the same future; timing is a side branch whose outcome only feeds the meter.
        result.whenComplete((value, error) -> timer.stop(sample, operation, consistency, error == null));
        return result;
    }
}
