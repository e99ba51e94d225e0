package io.github.raftspringboot.autoconfigure.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.awaitility.Awaitility.await;

/**
 * Real clusters of Spring Boot web applications with Actuator, for the endpoint and health tests: like
 * {@link TestCluster}, but each node also serves HTTP on its own free port and exposes {@code health} and
 * {@code raft}.
 */
final class WebCluster implements AutoCloseable {

    private static final JsonMapper json = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path baseDir;

    private final Map<String, String> extraProperties;

    private final List<String> ids = new ArrayList<>();

    private final Map<String, Integer> raftPorts = new LinkedHashMap<>();

    private final Map<String, ConfigurableApplicationContext> nodes = new LinkedHashMap<>();

    private WebCluster(Path baseDir, Map<String, String> extraProperties) {
        this.baseDir = baseDir;
        this.extraProperties = extraProperties;
    }

    static WebCluster start(int size, Path baseDir, Map<String, String> extraProperties) {
        WebCluster cluster = new WebCluster(baseDir, extraProperties);
        for (int i = 1; i <= size; i++) {
            cluster.reserve("node" + i);
        }
        new ArrayList<>(cluster.ids).forEach(id -> cluster.startNode(id, Map.of()));
        return cluster;
    }

    /** Adds a node id with a free Raft port; returns its Raft address. */
    String reserve(String id) {
        ids.add(id);
        raftPorts.put(id, TestCluster.freePort());
        return raftAddress(id);
    }

    String raftAddress(String id) {
        return "127.0.0.1:" + raftPorts.get(id);
    }

    void startNode(String id, Map<String, String> overrides) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.port", 0);
        properties.put("server.address", "127.0.0.1");
        properties.put("management.endpoints.web.exposure.include", "health,raft,info");
        properties.put("management.endpoint.health.show-details", "always");
        properties.put("spring.jmx.enabled", "false");
        properties.put("raft.node-id", id);
        properties.put("raft.port", raftPorts.get(id));
        properties.put("raft.bind-address", "127.0.0.1");
        properties.put("raft.advertise-address", "127.0.0.1");
        properties.put("raft.peers", initialPeers());
        properties.put("raft.state-dir", baseDir.resolve(id).toString());
        properties.putAll(TestCluster.fastTimings());
        properties.putAll(extraProperties);
        properties.putAll(overrides);
        nodes.put(id, new SpringApplicationBuilder(WebNodeApplication.class).web(WebApplicationType.SERVLET)
            .properties(properties)
            .run());
    }

    /** Every node known so far: the first ones bootstrap from it, later ones start with raft.bootstrap=false. */
    private String initialPeers() {
        return ids.stream()
            .map(id -> id + "@" + raftAddress(id))
            .collect(Collectors.joining(","));
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

    ConfigurableApplicationContext context(String id) {
        return nodes.get(id);
    }

    String awaitLeader() {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<String> leaders = running().stream().filter(id -> node(id).status().role() == RaftRole.LEADER).toList();
            if (leaders.size() != 1) {
                return null;
            }
            String leader = leaders.get(0);
            boolean followed = running().stream()
                .filter(id -> node(id).status().role() != RaftRole.INACTIVE)
                .allMatch(id -> node(id).status().leader() != null && leader.equals(node(id).status().leader().id()));
            return followed ? leader : null;
        }, leader -> leader != null);
    }

    List<String> followers() {
        String leader = awaitLeader();
        return running().stream().filter(id -> !id.equals(leader)).toList();
    }

    Response get(String id, String path) {
        return send(id, HttpRequest.newBuilder(uri(id, path)).GET());
    }

    /** GET that keeps the raw bytes and headers (a file download). */
    HttpResponse<byte[]> download(String id, String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(id, path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    Response post(String id, String path, String body) {
        return send(id, HttpRequest.newBuilder(uri(id, path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response delete(String id, String path) {
        return send(id, HttpRequest.newBuilder(uri(id, path)).DELETE());
    }

    private URI uri(String id, String path) {
        String port = nodes.get(id).getEnvironment().getProperty("local.server.port");
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Response send(String id, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? null : json.readTree(response.body());
            return new Response(response.statusCode(), body, response.body());
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
        Collections.reverse(open);
        open.stream().filter(ConfigurableApplicationContext::isActive).forEach(ConfigurableApplicationContext::close);
    }

    record Response(int status, JsonNode body, String text) {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class WebNodeApplication {
    }
}
