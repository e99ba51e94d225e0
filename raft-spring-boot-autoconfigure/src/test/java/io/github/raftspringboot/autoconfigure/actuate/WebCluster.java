package io.github.raftspringboot.autoconfigure.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.test.RaftTestCluster;

/**
 * Real clusters of Spring Boot web applications with Actuator, for the endpoint and health tests: a
 * {@link RaftTestCluster} whose nodes serve HTTP on their own free ports and expose {@code health} and {@code raft},
 * plus an HTTP client for them.
 */
final class WebCluster implements AutoCloseable {

    private static final JsonMapper json = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final RaftTestCluster cluster;

    private WebCluster(RaftTestCluster cluster) {
        this.cluster = cluster;
    }

    static WebCluster start(int size, Path baseDir, Map<String, String> extraProperties) {
        return new WebCluster(RaftTestCluster.builder(WebNodeApplication.class)
            .nodes(size)
            .web(true)
            .stateDirectory(baseDir)
            .property("management.endpoints.web.exposure.include", "health,raft,info")
            .property("management.endpoint.health.show-details", "always")
            .properties(extraProperties)
            .start());
    }

    /** Adds a node id with a free Raft port; returns its Raft address. */
    String reserve(String id) {
        return cluster.reserve(id);
    }

    String raftAddress(String id) {
        return cluster.raftAddress(id);
    }

    void startNode(String id, Map<String, String> overrides) {
        cluster.start(id, overrides);
    }

    void stop(String id) {
        cluster.stop(id);
    }

    List<String> running() {
        return cluster.running();
    }

    RaftNode node(String id) {
        return cluster.node(id);
    }

    ConfigurableApplicationContext context(String id) {
        return cluster.context(id);
    }

    String awaitLeader() {
        return cluster.awaitLeader();
    }

    List<String> followers() {
        return cluster.followers();
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
        return cluster.baseUri(id).resolve(path);
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
        cluster.close();
    }

    record Response(int status, JsonNode body, String text) {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class WebNodeApplication {
    }
}
