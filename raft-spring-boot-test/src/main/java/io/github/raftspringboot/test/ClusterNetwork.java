package io.github.raftspringboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.raftspringboot.test.fault.Connectivity;
import io.github.raftspringboot.test.fault.NetworkPartitioner;

/**
 * The network between the nodes of a {@link RaftTestCluster} built {@code withNetworkFaults()}: one proxy per
 * directed link, which each node dials through its {@code raft.transport.dial-overrides}. Partitions are named by node
 * id; a killed node stays cut off until it is started again, whatever partition the test applies meanwhile.
 *
 * <pre>{@code
 * cluster.network().isolate("node1");           // node1 can neither send nor receive
 * cluster.network().partition(List.of("node1", "node2"));   // {node1,node2} | {node3,...}
 * cluster.network().oneWay("node1", "node2");   // node1's messages to node2 are lost, the rest passes
 * cluster.network().heal();
 * }</pre>
 *
 * Only the nodes the cluster started with are behind proxies; a node added later is reached directly.
 */
public final class ClusterNetwork implements AutoCloseable {

    private final List<String> ids;

    private final NetworkPartitioner partitioner;

    private final Set<String> killed = new LinkedHashSet<>();

    /** Nodes whose links hold their traffic ({@link #pause}). */
    private final Set<String> paused = new LinkedHashSet<>();

    private Connectivity shape;

    private ClusterNetwork(List<String> ids, NetworkPartitioner partitioner) {
        this.ids = List.copyOf(ids);
        this.partitioner = partitioner;
        this.shape = Connectivity.full(ids.size());
    }

    /** Starts a proxy for every directed link between the nodes at these loopback ports (by id, in order). */
    static ClusterNetwork start(Map<String, Integer> raftPorts) {
        List<InetSocketAddress> addresses = raftPorts.values().stream()
            .map(port -> new InetSocketAddress("127.0.0.1", port))
            .toList();
        try {
            return new ClusterNetwork(List.copyOf(raftPorts.keySet()), NetworkPartitioner.start(addresses));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not start the proxies between the nodes", ex);
        }
    }

    /** The properties that make {@code id} dial each peer through its proxy (none for a node added later). */
    Map<String, String> dialOverrides(String id) {
        Map<String, String> properties = new LinkedHashMap<>();
        int from = ids.indexOf(id);
        if (from < 0) {
            return properties;
        }
        for (int to = 0; to < ids.size(); to++) {
            if (to != from) {
                InetSocketAddress proxy = partitioner.peerAddress(from, to);
                properties.put("raft.transport.dial-overrides[" + ids.get(to) + "]", "127.0.0.1:" + proxy.getPort());
            }
        }
        return properties;
    }

    /** {@code id} can neither send to nor hear from any other node; the others stay connected. */
    public void isolate(String id) {
        apply(Connectivity.isolate(ids.size(), indexOf(id)));
    }

    /** {@code side} and the other nodes form two groups that cannot reach each other. */
    public void partition(Collection<String> side) {
        apply(Connectivity.split(ids.size(), side.stream().map(this::indexOf).toList()));
    }

    /** The other nodes split in two halves that cannot reach each other; {@code bridge} reaches both. */
    public void bridge(String bridge) {
        apply(Connectivity.bridge(ids.size(), indexOf(bridge)));
    }

    /** Messages from {@code from} to {@code to} are lost (its requests and its answers); all else passes. */
    public void oneWay(String from, String to) {
        apply(Connectivity.oneWay(ids.size(), indexOf(from), indexOf(to)));
    }

    /** Any shape, over the node indexes of {@link #ids()}. */
    public synchronized void apply(Connectivity connectivity) {
        shape = connectivity;
        enforce();
    }

    /** Reconnects every running node. */
    public void heal() {
        apply(Connectivity.full(ids.size()));
    }

    /** The nodes behind proxies, in the order of the indexes {@link Connectivity} uses. */
    public List<String> ids() {
        return ids;
    }

    public int indexOf(String id) {
        int index = ids.indexOf(id);
        if (index < 0) {
            throw new IllegalArgumentException("Node '" + id + "' is not behind the cluster's proxies; they are "
                    + ids + " (a node added later is reached directly)");
        }
        return index;
    }

    /** The proxies themselves, for finer faults (delays, resets) or their statistics. */
    public NetworkPartitioner partitioner() {
        return partitioner;
    }

    /** The links as they are now: the test's shape, with killed nodes cut off. */
    public synchronized Connectivity current() {
        return effective();
    }

    /**
     * Makes {@code id} look paused to the others (as a SIGSTOP would): its links hold every byte, both ways, without
     * closing. Unlike a real pause, its own timers keep running (it may start elections nobody hears until
     * {@link #resume}). The process-based fault suite freezes a real process.
     */
    public synchronized void pause(String id) {
        paused.add(id);
        enforce();
    }

    /** Ends {@link #pause}: the held bytes arrive, late, in order, as from a process that wakes up. */
    public synchronized void resume(String id) {
        if (paused.remove(id)) {
            enforce();
        }
    }

    /** {@code id} is about to stop as if it crashed: from now on, silence. */
    synchronized void killing(String id) {
        if (ids.contains(id)) {
            killed.add(id);
            partitioner.apply(effective());
        }
    }

    /** {@code id} is down: connections to and from it are refused (reset), as to a dead process. */
    synchronized void killed(String id) {
        if (killed.contains(id)) {
            enforce();
        }
    }

    synchronized void started(String id) {
        if (killed.remove(id)) {
            enforce();
        }
    }

    private void enforce() {
        partitioner.apply(effective());
        for (String id : paused) {
            if (!killed.contains(id)) {
                partitioner.hold(indexOf(id));
            }
        }
        for (String id : killed) {
            int dead = indexOf(id);
            for (int other = 0; other < ids.size(); other++) {
                if (other != dead) {
                    partitioner.link(other, dead).reset();
                    partitioner.link(dead, other).reset();
                }
            }
        }
    }

    private Connectivity effective() {
        Connectivity links = shape;
        for (String id : killed) {
            links = links.and(Connectivity.isolate(ids.size(), indexOf(id)));
        }
        return links;
    }

    @Override
    public void close() {
        partitioner.close();
    }
}
