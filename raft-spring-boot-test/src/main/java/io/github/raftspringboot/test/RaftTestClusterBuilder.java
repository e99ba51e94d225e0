package io.github.raftspringboot.test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.WebApplicationType;

/** Describes a {@link RaftTestCluster} to start; made by {@link RaftTestCluster#builder(Class...)}. */
public final class RaftTestClusterBuilder {

    private final Class<?>[] sources;

    private int nodes = 3;

    private String idPrefix = "node";

    private WebApplicationType web = WebApplicationType.NONE;

    private boolean fastTimings = true;

    private boolean networkFaults;

    private Path stateDirectory;

    private final Map<String, Object> properties = new LinkedHashMap<>();

    private final Map<String, Map<String, Object>> nodeProperties = new LinkedHashMap<>();

    RaftTestClusterBuilder(Class<?>... sources) {
        if (sources == null || sources.length == 0) {
            throw new IllegalArgumentException("Name the application's @SpringBootApplication (or configuration) class");
        }
        this.sources = sources.clone();
    }

    /** How many nodes bootstrap the cluster (default 3). */
    public RaftTestClusterBuilder nodes(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("A cluster needs at least one node, not " + count);
        }
        this.nodes = count;
        return this;
    }

    /** Node ids are {@code <prefix>1..<prefix>N} (default {@code node}). */
    public RaftTestClusterBuilder idPrefix(String prefix) {
        this.idPrefix = Objects.requireNonNull(prefix, "prefix");
        return this;
    }

    /** Run each node as a web application on its own free port ({@link RaftTestCluster#baseUri}). */
    public RaftTestClusterBuilder web(boolean servlet) {
        this.web = servlet ? WebApplicationType.SERVLET : WebApplicationType.NONE;
        return this;
    }

    /** Keep the starter's production timings instead of the fast test ones ({@link RaftTestCluster#fastTimings}). */
    public RaftTestClusterBuilder productionTimings() {
        this.fastTimings = false;
        return this;
    }

    /**
     * Run every link between the initial nodes through a proxy of its own (each node dials its peers there through
     * {@code raft.transport.dial-overrides}), so that the test can partition the network and kill nodes:
     * {@link RaftTestCluster#network()}, {@link RaftTestCluster#kill(String)}.
     */
    public RaftTestClusterBuilder withNetworkFaults() {
        this.networkFaults = true;
        return this;
    }

    /**
     * Put the nodes' state directories under {@code directory} (e.g. a JUnit {@code @TempDir}) and keep them;
     * by default they go to a new temporary directory that {@link RaftTestCluster#close()} deletes.
     */
    public RaftTestClusterBuilder stateDirectory(Path directory) {
        this.stateDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /** A property every node gets, on top of the cluster's own (node id, ports, peers, state directory). */
    public RaftTestClusterBuilder property(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** Properties every node gets. */
    public RaftTestClusterBuilder properties(Map<String, ?> values) {
        properties.putAll(values);
        return this;
    }

    /** A property only the node {@code id} gets. */
    public RaftTestClusterBuilder nodeProperty(String id, String name, Object value) {
        nodeProperties.computeIfAbsent(id, key -> new LinkedHashMap<>()).put(name, value);
        return this;
    }

    /** Starts the nodes and returns the cluster; close it (try-with-resources) to stop them. */
    public RaftTestCluster start() {
        boolean temporary = stateDirectory == null;
        Path base = temporary ? StateDirectories.createTemporary() : stateDirectory;
        return new RaftTestCluster(this, base, temporary).startInitialNodes(nodes, idPrefix);
    }

    Class<?>[] sources() {
        return sources.clone();
    }

    WebApplicationType web() {
        return web;
    }

    boolean networkFaults() {
        return networkFaults;
    }

    boolean fastTimings() {
        return fastTimings;
    }

    Map<String, Object> properties() {
        return properties;
    }

    Map<String, Map<String, Object>> nodeProperties() {
        return nodeProperties;
    }
}
