package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Blocking HTTP/1.1 calls on one shared {@link HttpClient}: the JDK's client keeps a pool of keep-alive connections,
 * so each client thread ends up with a connection of its own, as a closed-loop user would. HTTP/1.1 is forced: the
 * default HTTP/2 upgrade attempt would change what is measured on each server.
 */
final class HttpCalls {

    /** A request that takes longer than this fails (and is counted); it does not hang a run. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    /** POSTs a JSON body; the answer's body when the status is 200. */
    String postJson(URI uri, String json) throws IOException, InterruptedException, RequestFailedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
        return send(request, "POST " + uri.getPath());
    }

    /** GETs a resource; the answer's body when the status is 200. */
    String get(URI uri) throws IOException, InterruptedException, RequestFailedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
        return send(request, "GET " + uri.getPath());
    }

    private String send(HttpRequest request, String description)
            throws IOException, InterruptedException, RequestFailedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw RequestFailedException.of(description, response.statusCode(), response.body());
        }
        return response.body();
    }
}
