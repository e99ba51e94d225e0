package io.github.raftspringboot.autoconfigure.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.beans.factory.ObjectProvider;

import io.github.raftspringboot.api.ReadConsistency;

/**
 * Records calls of the key-value store as {@code raft.store.operations}, tagged with the operation, the read
 * consistency where there is one, and the outcome. The registry is looked up at the first call, so wrapping the
 * store does not create the registry early. Each timer is registered once and kept: building it at every call (a
 * builder, its tags and id, and the registry's lookup) was a few percent of a write's CPU and allocations.
 */
final class StoreOperationTimer {

    static final String METRIC = "raft.store.operations";

    private final ObjectProvider<MeterRegistry> registries;

    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    private volatile MeterRegistry registry;

    StoreOperationTimer(ObjectProvider<MeterRegistry> registries) {
        this.registries = registries;
    }

    /** Starts timing a call; {@code null} when there is no registry. */
    Timer.Sample start() {
        MeterRegistry meters = registry();
        return (meters != null) ? Timer.start(meters) : null;
    }

    void stop(Timer.Sample sample, String operation, ReadConsistency consistency, boolean success) {
        if (sample == null) {
            return;
        }
        TimerKey key = new TimerKey(operation, consistency, success);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, this::register);
        }
        sample.stop(timer);
    }

    private Timer register(TimerKey key) {
        return Timer.builder(METRIC)
            .description("Calls of the replicated key-value store")
            .tag("operation", key.operation())
            .tag("consistency", (key.consistency() != null) ? key.consistency().name().toLowerCase(Locale.ROOT)
                    : "none")
            .tag("outcome", key.success() ? "success" : "error")
            .register(registry);
    }

    private MeterRegistry registry() {
        MeterRegistry current = registry;
        if (current == null) {
            current = registries.getIfAvailable();
            registry = current;
        }
        return current;
    }

    private record TimerKey(String operation, ReadConsistency consistency, boolean success) {
    }
}
