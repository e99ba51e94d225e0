package io.github.raftspringboot.autoconfigure.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.ReadConsistency;

/**
 * The number of entries in this node's copy of the store: an asynchronous {@link ReadConsistency#LOCAL} read, which
 * answers from local memory at once, made on the untimed store so that scrapes do not count as store operations.
 */
final class RaftStoreMeterBinder implements MeterBinder {

    private final RaftKeyValueStore store;

    private final RaftNode node;

    RaftStoreMeterBinder(RaftKeyValueStore store, RaftNode node) {
        this.store = (store instanceof TimedRaftKeyValueStore timed) ? timed.untimed() : store;
        this.node = node;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("raft.store.entries", store, RaftStoreMeterBinder::localSize)
            .description("Entries in this node's copy of the key-value store")
            .tag("raft.node", node.nodeId())
            .register(registry);
    }

    private static double localSize(RaftKeyValueStore store) {
        Long size = store.async().size(ReadConsistency.LOCAL).getNow(null);
        return (size != null) ? size : Double.NaN;
    }
}
