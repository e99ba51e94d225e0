package io.github.raftspringboot.autoconfigure.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.awaitility.Awaitility.await;

/**
 * A real cluster of web applications for Actuator tests: each node a Spring Boot application with an embedded
 * server on a free port, a Raft node on another free port, and its own state directory.
 */
final class HttpNodes implements AutoCloseable {

    static final JsonMapper JSON = new JsonMapper();

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final Path baseDir;

    private final Map<String, String> extraProperties;

    private final List<String> initial = new ArrayList<>();

    private final Map<String, Integer> raftPorts = new LinkedHashMap<>();

    private final Map<String, ConfigurableApplicationContext> nodes = new LinkedHashMap<>();

    HttpNodes(Path baseDir, int size, Map<String, String> extraProperties) {
        this.baseDir = baseDir;
        this.extraProperties = extraProperties;
        for (int i = 1; i <= size; i++) {
            initial.add("node" + i);
            raftPorts.put("node" + i, freePort());
        }
    }

    HttpNodes startAll() {
        initial.forEach(id -> start(id, Map.of()));
        return this;
    }

    String peers() {
        return initial.stream().map(id -> id + "@" + raftAddress(id)).collect(Collectors.joining(","));
    }

    String raftAddress(String id) {
        return "127.0.0.1:" + raftPorts.computeIfAbsent(id, ignored -> freePort());
    }

    ConfigurableApplicationContext start(String id, Map<String, String> overrides) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.port", 0);
        properties.put("server.address", "127.0.0.1");
        properties.put("raft.node-id", id);
        properties.put("raft.port", raftPorts.computeIfAbsent(id, ignored -> freePort()));
        properties.put("raft.bind-address", "127.0.0.1");
        properties.put("raft.advertise-address", "127.0.0.1");
        // A joining node (started with raft.bootstrap=false) names itself among the peers too.
        properties.put("raft.peers", initial.contains(id) ? peers() : peers() + "," + id + "@" + raftAddress(id));
        properties.put("raft.state-dir", baseDir.resolve(id).toString());
        properties.put("management.endpoints.web.exposure.include", "raft,health,info,metrics");
        properties.put("management.endpoint.health.show-details", "always");
        properties.put("management.info.defaults.enabled", "false");
        properties.put("management.info.raft.enabled", "true");
        // JMX too, each node under its own domain since all of them share this JVM's MBean server.
        properties.put("spring.jmx.enabled", "true");
        properties.put("spring.jmx.unique-names", "true");
        properties.put("management.endpoints.jmx.exposure.include", "raft");
        properties.put("management.endpoints.jmx.domain", "raft-" + id);
        properties.putAll(TestCluster.fastTimings());
        properties.putAll(extraProperties);
        properties.putAll(overrides);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TestCluster.NodeApplication.class)
            .properties(properties)
            .run();
        nodes.put(id, context);
        return context;
    }

    void stop(String id) {
        nodes.get(id).close();
    }

    List<String> running() {
        return nodes.entrySet().stream().filter(entry -> entry.getValue().isActive()).map(Map.Entry::getKey).toList();
    }

    RaftNode node(String id) {
        return nodes.get(id).getBean(RaftNode.class);
    }

    RaftKeyValueStore store(String id) {
        return nodes.get(id).getBean(RaftKeyValueStore.class);
    }

    /** Waits until exactly one running node leads and every running node follows it. */
    String awaitLeader() {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<String> leaders = running().stream().filter(id -> node(id).isLeader()).toList();
            if (leaders.size() != 1) {
                return null;
            }
            String leader = leaders.get(0);
            boolean followed = running().stream()
                .allMatch(id -> node(id).status().leader() != null
                        && leader.equals(node(id).status().leader().id())
                        && node(id).status().role() != RaftRole.CANDIDATE);
            return followed ? leader : null;
        }, leader -> leader != null);
    }

    String follower(String leader) {
        return running().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    Response get(String id, String path) {
        return send(id, "GET", path, null);
    }

    Response post(String id, String path, String json) {
        return send(id, "POST", path, json);
    }

    Response delete(String id, String path) {
        return send(id, "DELETE", path, null);
    }

    Response send(String id, String method, String path, String json) {
        String port = nodes.get(id).getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
                : HttpRequest.BodyPublishers.noBody());
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() {
        List<ConfigurableApplicationContext> open = new ArrayList<>(nodes.values());
        java.util.Collections.reverse(open);
        open.stream().filter(ConfigurableApplicationContext::isActive).forEach(ConfigurableApplicationContext::close);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException("No free port", ex);
        }
    }

    record Response(int status, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
