package io.github.raftspringboot.autoconfigure.fault;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.test.RaftTestCluster;

/**
 * Notes, every 10 ms from a fault on, when each node first knows a leader other than the old one: the election's
 * share of a recovery, which the failover tests measure apart from what they test.
 */
final class NewLeaderWatch implements AutoCloseable {

    private final RaftTestCluster cluster;

    private final List<String> nodes;

    private final String oldLeader;

    private final Map<String, Long> knownAfter = new ConcurrentHashMap<>();

    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();

    NewLeaderWatch(RaftTestCluster cluster, List<String> nodes, String oldLeader) {
        this.cluster = cluster;
        this.nodes = nodes;
        this.oldLeader = oldLeader;
    }

    /** Starts watching; times count from {@code faultAtNanos} ({@link System#nanoTime()}). */
    void start(long faultAtNanos) {
        watch.scheduleAtFixedRate(() -> nodes.forEach(node -> {
            RaftServerInfo known = cluster.node(node).status().leader();
            if (known != null && !known.id().equals(oldLeader)) {
                knownAfter.putIfAbsent(node, System.nanoTime() - faultAtNanos);
            }
        }), 0, 10, TimeUnit.MILLISECONDS);
    }

    boolean knows(String node) {
        return knownAfter.containsKey(node);
    }

    /** Milliseconds from the fault to when each node knew the new leader. */
    Map<String, Long> millis() {
        Map<String, Long> millis = new TreeMap<>();
        knownAfter.forEach((node, nanos) -> millis.put(node, TimeUnit.NANOSECONDS.toMillis(nanos)));
        return millis;
    }

    @Override
    public void close() throws InterruptedException {
        watch.shutdownNow();
        watch.awaitTermination(10, TimeUnit.SECONDS);
    }
}
