package io.github.raftspringboot.test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;

/**
 * A real Raft cluster of the application under test, in this JVM: each node is the application's own Spring Boot
 * context with its own free loopback Raft port (and web port), its own state directory, and fast test timings. Nodes
 * can be stopped and started again on the same port and directory, and nodes can be added that join later.
 *
 * <pre>{@code
 * try (RaftTestCluster cluster = RaftTestCluster.builder(MyApplication.class).nodes(3).start()) {
 *     String leader = cluster.awaitLeader();
 *     cluster.store(leader).put("greeting", "hello");
 *     cluster.stop(leader);
 *     assertThat(cluster.store(cluster.awaitLeader()).get("greeting")).isPresent();
 * }
 * }</pre>
 *
 * Built {@code withNetworkFaults()}, the links between the nodes run through proxies: {@link #network()} partitions
 * them and {@link #kill(String)} crashes a node. Start it with {@link #builder(Class...)}, or let
 * {@link RaftClusterTest} start one per test.
 */
public final class RaftTestCluster implements AutoCloseable {

    private final RaftTestClusterBuilder settings;

    private final Path baseDir;

    private final boolean ownsBaseDir;

    private final List<String> ids = new ArrayList<>();

    private final Map<String, Integer> raftPorts = new LinkedHashMap<>();

    private final Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();

    /** The proxies between the initial nodes, with {@code withNetworkFaults()}; else {@code null}. */
    private ClusterNetwork network;

    private final ClusterConvergence convergence = new ClusterConvergence(this);

    RaftTestCluster(RaftTestClusterBuilder settings, Path baseDir, boolean ownsBaseDir) {
        this.settings = settings;
        this.baseDir = baseDir;
        this.ownsBaseDir = ownsBaseDir;
    }

    /** A builder for a cluster whose nodes run the application made of {@code sources}. */
    public static RaftTestClusterBuilder builder(Class<?>... sources) {
        return new RaftTestClusterBuilder(sources);
    }

    /** Test timings: elections in about a second, yet safe on a loaded 2-core machine. */
    public static Map<String, String> fastTimings() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("raft.election-timeout", "500ms");
        properties.put("raft.heartbeat-interval", "100ms");
        properties.put("raft.session-timeout", "5s");
        properties.put("raft.request-timeout", "10s");
        properties.put("raft.shutdown-timeout", "5s");
        return properties;
    }

    /** Starts the initial nodes, one after the other; they bootstrap one cluster. */
    RaftTestCluster startInitialNodes(int size, String idPrefix) {
        for (int i = 1; i <= size; i++) {
            reserve(idPrefix + i);
        }
        try {
            if (settings.networkFaults()) {
                network = ClusterNetwork.start(raftPorts);
            }
            new ArrayList<>(ids).forEach(this::start);
        }
        catch (RuntimeException ex) {
            close();
            throw ex;
        }
        return this;
    }

    /**
     * Reserves a node id and a free Raft port for a node that joins later (it is not in the initial peers of the
     * running nodes); start it with {@link #startJoining(String)} and add it with {@link RaftNode#addVoter}.
     *
     * @return the node's Raft address
     */
    public String reserve(String id) {
        if (raftPorts.containsKey(id)) {
            throw new IllegalArgumentException("Node id '" + id + "' is already in this cluster");
        }
        ids.add(id);
        raftPorts.put(id, FreePorts.next());
        return raftAddress(id);
    }

    /** Starts (or starts again, on the same port and state directory) the node {@code id}. */
    public ConfigurableApplicationContext start(String id) {
        return start(id, Map.of());
    }

    /** Starts a reserved node with {@code raft.bootstrap=false}: it waits until a voter adds it. */
    public ConfigurableApplicationContext startJoining(String id) {
        return start(id, Map.of("raft.bootstrap", "false"));
    }

    /** Starts the node {@code id} with {@code overrides} on top of the cluster's properties. */
    public ConfigurableApplicationContext start(String id, Map<String, ?> overrides) {
        if (!raftPorts.containsKey(id)) {
            throw new IllegalArgumentException("Unknown node id '" + id + "'; reserve(id) it first");
        }
        if (contexts.containsKey(id) && contexts.get(id).isActive()) {
            throw new IllegalStateException("Node '" + id + "' is running");
        }
        if (network != null) {
            network.started(id);
        }
        String[] arguments = NodeArguments.of(settings, id, raftPorts.get(id), peers(), baseDir.resolve(id), network,
                overrides);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(settings.sources())
            .web(settings.web())
            .run(arguments);
        contexts.put(id, context);
        return context;
    }

    /** Stops the node gracefully (as on SIGTERM): a leader hands its leadership over first. */
    public void stop(String id) {
        context(id).close();
    }

    /**
     * Stops the node abruptly, as a crash would: it is cut off from every peer first, so it can hand nothing over and
     * say goodbye to no one; then its peers' connections to it are refused, as to a dead process, until it is
     * {@link #start(String) started} again. Needs
     * {@code withNetworkFaults()}.
     */
    public void kill(String id) {
        ConfigurableApplicationContext context = context(id);
        network().killing(id);
        context.close();
        network.killed(id);
    }

    /** The links between the nodes, to partition and heal them; needs {@code withNetworkFaults()}. */
    public ClusterNetwork network() {
        if (network == null) {
            throw new IllegalStateException("This cluster has no proxies between its nodes: build it with "
                    + "RaftTestCluster.builder(...).withNetworkFaults() to partition or kill nodes");
        }
        return network;
    }

    /** Stops the node and starts it again on the same port and state directory. */
    public ConfigurableApplicationContext restart(String id) {
        stop(id);
        return start(id);
    }

    /** {@code id@127.0.0.1:port} of every node known so far, as {@code raft.peers} takes them. */
    public String peers() {
        return ids.stream().map(id -> id + "@" + raftAddress(id)).collect(Collectors.joining(","));
    }

    /** Every node id, running or not, in the order they were added. */
    public List<String> ids() {
        return List.copyOf(ids);
    }

    /** The ids of the running nodes. */
    public List<String> running() {
        return contexts.entrySet().stream().filter(e -> e.getValue().isActive()).map(Map.Entry::getKey).toList();
    }

    public String raftAddress(String id) {
        return "127.0.0.1:" + raftPorts.get(id);
    }

    /** The node's application context (the last one, if the node was restarted). */
    public ConfigurableApplicationContext context(String id) {
        ConfigurableApplicationContext context = contexts.get(id);
        if (context == null) {
            throw new IllegalArgumentException("Node '" + id + "' has not been started; nodes: " + contexts.keySet());
        }
        return context;
    }

    public <T> T bean(String id, Class<T> type) {
        return context(id).getBean(type);
    }

    public RaftNode node(String id) {
        return bean(id, RaftNode.class);
    }

    public RaftKeyValueStore store(String id) {
        return bean(id, RaftKeyValueStore.class);
    }

    /** The base URL of a web node's HTTP server, e.g. {@code http://127.0.0.1:43125}. */
    public URI baseUri(String id) {
        String port = context(id).getEnvironment().getProperty("local.server.port");
        if (port == null) {
            throw new IllegalStateException("Node '" + id + "' has no web server; build the cluster with web(true)");
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The running node that leads now, if any. */
    public Optional<String> leader() {
        return running().stream().filter(id -> node(id).status().role() == RaftRole.LEADER).findFirst();
    }

    /** Waits until exactly one running node leads and every other running member follows it; returns its id. */
    public String awaitLeader() {
        return awaitLeader(ClusterConvergence.DEFAULT_WAIT);
    }

    public String awaitLeader(Duration atMost) {
        return convergence.awaitLeader(atMost);
    }

    /** The running nodes other than the leader, once there is one. */
    public List<String> followers() {
        String leader = awaitLeader();
        return running().stream().filter(id -> !id.equals(leader)).toList();
    }

    /** Waits until every running node has applied the log up to {@code index}. */
    public void awaitApplied(long index) {
        convergence.awaitApplied(index);
    }

    /** One line per running node with its role, term, leader and indexes: for failure messages. */
    public String describe() {
        return convergence.describe();
    }

    /**
     * Stops every running node, all at once, and deletes the state directories this cluster made. At once rather than
     * one by one: the nodes stopped last would each wait out a hand-over or a session close against nodes already
     * gone (each step bounded by twice the election timeout), 2-3 s for a 3-node cluster, in every test.
     */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        contexts.forEach((id, context) -> {
            if (context.isActive()) {
                Thread thread = new Thread(context::close, "raft-test-cluster-stop-" + id);
                thread.start();
                stopping.add(thread);
            }
        });
        boolean interrupted = false;
        for (Thread thread : stopping) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                }
                catch (InterruptedException ex) {
                    interrupted = true; // the state directories are deleted only once every node has stopped
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (network != null) {
            network.close();
        }
        if (ownsBaseDir) {
            StateDirectories.deleteRecursively(baseDir);
        }
    }
}