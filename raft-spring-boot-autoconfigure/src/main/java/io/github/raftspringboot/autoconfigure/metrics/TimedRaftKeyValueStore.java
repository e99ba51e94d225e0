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
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;

/**
 * Times every call of the blocking store as {@code raft.store.operations}, tagged with the operation, the read
 * consistency where there is one, and the outcome. The registry is looked up at the first call, so wrapping the
 * store does not create the registry early. {@link #async()} is not timed.
 */
final class TimedRaftKeyValueStore implements RaftKeyValueStore {

    static final String METRIC = "raft.store.operations";

    private final RaftKeyValueStore delegate;

    private final ObjectProvider<MeterRegistry> registries;

    private volatile MeterRegistry registry;

    TimedRaftKeyValueStore(RaftKeyValueStore delegate, ObjectProvider<MeterRegistry> registries) {
        this.delegate = delegate;
        this.registries = registries;
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
    public AsyncRaftKeyValueStore async() {
        return delegate.async();
    }

    private <T> T time(String operation, ReadConsistency consistency, Supplier<T> call) {
        MeterRegistry meters = registry();
        if (meters == null) {
            return call.get();
        }
        Timer.Sample sample = Timer.start(meters);
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "success";
            return result;
        }
        finally {
            sample.stop(Timer.builder(METRIC)
                .description("Calls of the replicated key-value store")
                .tag("operation", operation)
                .tag("consistency", (consistency != null) ? consistency.name().toLowerCase() : "none")
                .tag("outcome", outcome)
                .register(meters));
        }
    }

    private MeterRegistry registry() {
        MeterRegistry current = registry;
        if (current == null) {
            current = registries.getIfAvailable();
            registry = current;
        }
        return current;
    }
}
