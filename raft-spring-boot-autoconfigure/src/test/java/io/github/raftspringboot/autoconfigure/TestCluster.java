package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.test.FreePorts;
import io.github.raftspringboot.test.RaftTestCluster;

/**
 * The project's own clusters for tests: a {@link RaftTestCluster} (the published test support) of a minimal
 * application with an event recorder, plus the shorthands the tests use.
 */
public final class TestCluster implements AutoCloseable {

    private final RaftTestCluster cluster;

    private TestCluster(RaftTestCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts {@code size} nodes named node1..nodeN that bootstrap one cluster. */
    public static TestCluster start(int size, Path baseDir, Map<String, String> extraProperties) {
        return start(size, baseDir, extraProperties, "node");
    }

    /** Starts {@code size} nodes named {@code <prefix>1..<prefix>N} that bootstrap one cluster. */
    public static TestCluster start(int size, Path baseDir, Map<String, String> extraProperties, String idPrefix) {
        return new TestCluster(RaftTestCluster.builder(NodeApplication.class)
            .nodes(size)
            .idPrefix(idPrefix)
            .stateDirectory(baseDir)
            .properties(extraProperties)
            .start());
    }

    /** Test-tuned timings: fast elections, still safe on a loaded 2-core machine. */
    public static Map<String, String> fastTimings() {
        return RaftTestCluster.fastTimings();
    }

    /** The published harness underneath, for what the shorthands do not cover. */
    public RaftTestCluster raft() {
        return cluster;
    }

    public String peers() {
        return cluster.peers();
    }

    public ConfigurableApplicationContext startNode(String id) {
        return cluster.start(id);
    }

    public ConfigurableApplicationContext startNode(String id, Map<String, String> overrides) {
        return cluster.start(id, overrides);
    }

    /** Adds a node id with a fresh port, for nodes that join later; it is not in the initial peers. */
    public String reserve(String id) {
        return cluster.reserve(id);
    }

    public List<String> ids() {
        return cluster.ids();
    }

    public List<String> running() {
        return cluster.running();
    }

    public ConfigurableApplicationContext context(String id) {
        return cluster.context(id);
    }

    public RaftKeyValueStore store(String id) {
        return cluster.store(id);
    }

    public RaftNode node(String id) {
        return cluster.node(id);
    }

    public RecordedEvents events(String id) {
        return cluster.bean(id, RecordedEvents.class);
    }

    public void stop(String id) {
        cluster.stop(id);
    }

    public Optional<String> currentLeader() {
        return cluster.leader();
    }

    /** Waits until exactly one running node leads and every running voter follows it; returns its id. */
    public String awaitLeader() {
        return cluster.awaitLeader();
    }

    public String anyFollower() {
        return cluster.followers().get(0);
    }

    @Override
    public void close() {
        cluster.close();
    }

    /** A port for a node to bind later; see {@link FreePorts}. */
    public static int freePort() {
        return FreePorts.next();
    }

    /** The application each node runs: auto-configuration plus an event recorder. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class NodeApplication {

        @org.springframework.context.annotation.Bean
        RecordedEvents recordedEvents() {
            return new RecordedEvents();
        }
    }

    /** Every Raft event the node published, in order. */
    public static class RecordedEvents {

        private final List<Object> events = new CopyOnWriteArrayList<>();

        @EventListener({ io.github.raftspringboot.api.RaftRoleChangedEvent.class,
                io.github.raftspringboot.api.RaftLeaderChangedEvent.class,
                io.github.raftspringboot.api.RaftLeadershipAcquiredEvent.class,
                io.github.raftspringboot.api.RaftLeadershipLostEvent.class })
        public void on(Object event) {
            events.add(event);
        }

        public List<Object> all() {
            return List.copyOf(events);
        }

        public <T> List<T> of(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }
}
