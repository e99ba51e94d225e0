package io.github.raftspringboot.engine.kv;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnResult;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.engine.ApiCallbacks;

/**
 * The asynchronous store: each call's outcome completes on {@link ApiCallbacks}, never on the engine thread that
 * learned it; a bad argument fails the returned future.
 */
final class ReplicatedAsyncKeyValueStore implements AsyncRaftKeyValueStore {

    private final StoreCalls calls;

    ReplicatedAsyncKeyValueStore(StoreCalls calls) {
        this.calls = calls;
    }

    @Override
    public CompletableFuture<Optional<JsonNode>> get(String key, ReadConsistency consistency) {
        return async(() -> calls.get(key, consistency));
    }

    @Override
    public CompletableFuture<WriteResult> put(String key, Object value) {
        return async(() -> calls.put(key, value));
    }

    @Override
    public CompletableFuture<WriteResult> putAll(Map<String, ?> entries) {
        return async(() -> calls.putAll(entries));
    }

    @Override
    public CompletableFuture<WriteResult> delete(String key) {
        return async(() -> calls.delete(key));
    }

    @Override
    public CompletableFuture<WriteResult> compareAndSet(String key, Object expected, Object newValue) {
        return async(() -> calls.compareAndSet(key, expected, newValue));
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, ReadConsistency consistency) {
        return async(() -> calls.keys(prefix, consistency));
    }

    @Override
    public CompletableFuture<SortedMap<String, JsonNode>> entries(String prefix, ReadConsistency consistency) {
        return async(() -> calls.entries(prefix, consistency));
    }

    @Override
    public CompletableFuture<Long> size(ReadConsistency consistency) {
        return async(() -> calls.size(consistency));
    }

    @Override
    public CompletableFuture<Optional<KeyValueEntry>> getEntry(String key, ReadConsistency consistency) {
        return async(() -> calls.getEntry(key, consistency));
    }

    @Override
    public CompletableFuture<TxnResult> txn(Txn txn) {
        return async(() -> calls.txn(txn));
    }

    private static <T> CompletableFuture<T> async(Supplier<StoreCall<?, T>> call) {
        try {
            return call.get().async();
        }
        catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
    }
}
