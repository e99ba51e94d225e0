package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;

import static org.awaitility.Awaitility.await;

/**
 * Real clusters for tests: N Spring Boot applications in this JVM, each a Raft node on its own free loopback
 * port with its own state directory. Nodes can be stopped and restarted on the same port and directory.
 */
public final class TestCluster implements AutoCloseable {

    private final Path baseDir;

    private final Map<String, String> extraProperties;

    private final List<String> ids = new ArrayList<>();

    private final Map<String, Integer> ports = new LinkedHashMap<>();

    private final Map<String, ConfigurableApplicationContext> nodes = new LinkedHashMap<>();

    private TestCluster(Path baseDir, Map<String, String> extraProperties) {
        this.baseDir = baseDir;
        this.extraProperties = extraProperties;
    }

    /** Starts {@code size} nodes named node1..nodeN that bootstrap one cluster. */
    public static TestCluster start(int size, Path baseDir, Map<String, String> extraProperties) {
        return start(size, baseDir, extraProperties, "node");
    }

    /** Starts {@code size} nodes named {@code <prefix>1..<prefix>N} that bootstrap one cluster. */
    public static TestCluster start(int size, Path baseDir, Map<String, String> extraProperties, String idPrefix) {
        TestCluster cluster = new TestCluster(baseDir, extraProperties);
        for (int i = 1; i <= size; i++) {
            String id = idPrefix + i;
            cluster.ids.add(id);
            cluster.ports.put(id, freePort());
        }
        cluster.ids.forEach(cluster::startNode);
        return cluster;
    }

    /** Test-tuned timings: fast elections, still safe on a loaded 2-core machine. */
    public static Map<String, String> fastTimings() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("raft.election-timeout", "500ms");
        properties.put("raft.heartbeat-interval", "100ms");
        properties.put("raft.session-timeout", "5s");
        properties.put("raft.request-timeout", "10s");
        properties.put("raft.shutdown-timeout", "5s");
        return properties;
    }

    public String peers() {
        return ids.stream().map(id -> id + "@127.0.0.1:" + ports.get(id)).collect(Collectors.joining(","));
    }

    public ConfigurableApplicationContext startNode(String id) {
        return startNode(id, Map.of());
    }

    public ConfigurableApplicationContext startNode(String id, Map<String, String> overrides) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("raft.node-id", id);
        properties.put("raft.port", ports.get(id));
        properties.put("raft.bind-address", "127.0.0.1");
        properties.put("raft.advertise-address", "127.0.0.1");
        properties.put("raft.peers", peers());
        properties.put("raft.state-dir", baseDir.resolve(id).toString());
        properties.putAll(fastTimings());
        properties.putAll(extraProperties);
        properties.putAll(overrides);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
            .web(WebApplicationType.NONE)
            .properties(properties)
            .run();
        nodes.put(id, context);
        return context;
    }

    /** Adds a node id with a fresh port, for nodes that join later; it is not in the initial peers. */
    public String reserve(String id) {
        ids.add(id);
        ports.put(id, freePort());
        return "127.0.0.1:" + ports.get(id);
    }

    public List<String> ids() {
        return List.copyOf(ids);
    }

    public List<String> running() {
        return nodes.entrySet()
            .stream()
            .filter(entry -> entry.getValue().isActive())
            .map(Map.Entry::getKey)
            .toList();
    }

    public ConfigurableApplicationContext context(String id) {
        return nodes.get(id);
    }

    public RaftKeyValueStore store(String id) {
        return nodes.get(id).getBean(RaftKeyValueStore.class);
    }

    public RaftNode node(String id) {
        return nodes.get(id).getBean(RaftNode.class);
    }

    public RecordedEvents events(String id) {
        return nodes.get(id).getBean(RecordedEvents.class);
    }

    public void stop(String id) {
        nodes.get(id).close();
    }

    public Optional<String> currentLeader() {
        return running().stream().filter(id -> node(id).status().role() == RaftRole.LEADER).findFirst();
    }

    /** Waits until exactly one running node leads and every running voter follows it; returns its id. */
    public String awaitLeader() {
        try {
            return awaitLeaderUnreported();
        }
        catch (org.awaitility.core.ConditionTimeoutException ex) {
            StringBuilder states = new StringBuilder("No single leader followed by every node:");
            running().forEach(id -> states.append("\n  ").append(node(id).status()));
            throw new AssertionError(states.toString(), ex);
        }
    }

    private String awaitLeaderUnreported() {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<String> leaders = running().stream()
                .filter(id -> node(id).status().role() == RaftRole.LEADER)
                .toList();
            if (leaders.size() != 1) {
                return null;
            }
            String leader = leaders.get(0);
            boolean followed = running().stream()
                .allMatch(id -> node(id).status().leader() != null
                        && leader.equals(node(id).status().leader().id()));
            return followed ? leader : null;
        }, leader -> leader != null);
    }

    public String anyFollower() {
        String leader = awaitLeader();
        return running().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        List<ConfigurableApplicationContext> open = new ArrayList<>(nodes.values());
        java.util.Collections.reverse(open);
        open.stream().filter(ConfigurableApplicationContext::isActive).forEach(ConfigurableApplicationContext::close);
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
