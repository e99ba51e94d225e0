package io.github.raftspringboot.autoconfigure.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.ReadConsistency;

/** {@code raft.store.entries}: the number of entries in this node's copy of the store. */
final class RaftStoreMeterBinder implements MeterBinder {

    private static final Logger logger = LoggerFactory.getLogger(RaftStoreMeterBinder.class);

    private final RaftKeyValueStore store;

    RaftStoreMeterBinder(RaftKeyValueStore store) {
        // Reading the size is not a store operation of the application: bypass the timing decorator.
        this.store = (store instanceof TimedRaftKeyValueStore timed) ? timed.delegate() : store;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("raft.store.entries", store, RaftStoreMeterBinder::localSize)
            .description("Entries in this node's copy of the replicated key-value store")
            .register(registry);
    }

    private static double localSize(RaftKeyValueStore store) {
        try {
            return store.size(ReadConsistency.LOCAL);
        }
        catch (RaftException ex) {
            logger.debug("Store size not available: {}", ex.getMessage());
            return Double.NaN;
        }
    }
}
