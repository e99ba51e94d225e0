package io.github.raftspringboot.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.beans.factory.ObjectProvider;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnResult;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;

/**
 * Times every call of the store, blocking or through {@link #async()}, with a {@link StoreOperationTimer}.
 */
final class TimedRaftKeyValueStore implements RaftKeyValueStore {

    private final RaftKeyValueStore delegate;

    private final StoreOperationTimer timer;

    private final AsyncRaftKeyValueStore async;

    TimedRaftKeyValueStore(RaftKeyValueStore delegate, ObjectProvider<MeterRegistry> registries) {
        this.delegate = delegate;
        this.timer = new StoreOperationTimer(registries);
        this.async = new TimedAsyncRaftKeyValueStore(delegate.async(), timer);
    }

    @Override
    public Optional<JsonNode> get(String key) {
        return time("get", ReadConsistency.LINEARIZABLE, () -> delegate.get(key));
    }

    @Override
    public Optional<JsonNode> get(String key, ReadConsistency consistency) {
        return time("get", consistency, () -> delegate.get(key, consistency));
    }

    @Override
    public <T> Optional<T> get(String key, Class<T> type) {
        return time("get", ReadConsistency.LINEARIZABLE, () -> delegate.get(key, type));
    }

    @Override
    public WriteResult put(String key, Object value) {
        return time("put", null, () -> delegate.put(key, value));
    }

    @Override
    public WriteResult putAll(Map<String, ?> entries) {
        return time("put_all", null, () -> delegate.putAll(entries));
    }

    @Override
    public WriteResult delete(String key) {
        return time("delete", null, () -> delegate.delete(key));
    }

    @Override
    public WriteResult compareAndSet(String key, Object expected, Object newValue) {
        return time("cas", null, () -> delegate.compareAndSet(key, expected, newValue));
    }

    @Override
    public List<String> keys(String prefix) {
        return time("keys", ReadConsistency.LINEARIZABLE, () -> delegate.keys(prefix));
    }

    @Override
    public List<String> keys(String prefix, ReadConsistency consistency) {
        return time("keys", consistency, () -> delegate.keys(prefix, consistency));
    }

    @Override
    public SortedMap<String, JsonNode> entries(String prefix, ReadConsistency consistency) {
        return time("entries", consistency, () -> delegate.entries(prefix, consistency));
    }

    @Override
    public long size() {
        return time("size", ReadConsistency.LINEARIZABLE, delegate::size);
    }

    @Override
    public long size(ReadConsistency consistency) {
        return time("size", consistency, () -> delegate.size(consistency));
    }

    @Override
    public Optional<KeyValueEntry> getEntry(String key) {
        return time("get_entry", ReadConsistency.LINEARIZABLE, () -> delegate.getEntry(key));
    }

    @Override
    public Optional<KeyValueEntry> getEntry(String key, ReadConsistency consistency) {
        return time("get_entry", consistency, () -> delegate.getEntry(key, consistency));
    }

    @Override
    public TxnResult txn(Txn txn) {
        return time("txn", null, () -> delegate.txn(txn));
    }

    /** Not timed: a watch is a subscription, not a call with a duration. */
    @Override
    public RaftWatch watch(String prefix, long fromRevision, RaftWatchListener listener) {
        return delegate.watch(prefix, fromRevision, listener);
    }

    @Override
    public RaftWatch watchKey(String key, long fromRevision, RaftWatchListener listener) {
        return delegate.watchKey(key, fromRevision, listener);
    }

    @Override
    public AsyncRaftKeyValueStore async() {
        return async;
    }

    /** The store without timing, for readers that must not count as store operations. */
    RaftKeyValueStore untimed() {
        return delegate;
    }

    private <T> T time(String operation, ReadConsistency consistency, Supplier<T> call) {
        Timer.Sample sample = timer.start();
        boolean success = false;
        try {
            T result = call.get();
            success = true;
            return result;
        }
        finally {
            timer.stop(sample, operation, consistency, success);
        }
    }
}
