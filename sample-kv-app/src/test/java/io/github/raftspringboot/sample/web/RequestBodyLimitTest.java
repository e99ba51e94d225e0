package io.github.raftspringboot.sample.web;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A body larger than any write can use is refused with a 413 problem detail before it is parsed (with a length) or
 * as it passes the limit (chunked); a restore may be larger. The limit is twice raft.limits.max-entry-size: 128KB.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=body-limit-test", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms",
                "raft.limits.max-entry-size=64KB", "raft.limits.max-value-size=16KB", "spring.grpc.server.port=0" })
class RequestBodyLimitTest extends OneNodeHttpFixture {

    private static final byte[] LARGE = ("{\"big\":[" + "1,".repeat(100_000) + "1]}").getBytes(StandardCharsets.UTF_8);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aLargeBodyIsA413BeforeItIsRead() throws Exception {
        assertTooLarge(post("/key", HttpRequest.BodyPublishers.ofByteArray(LARGE)), LARGE.length + " bytes");
        assertTooLarge(post("/txn", HttpRequest.BodyPublishers.ofByteArray(LARGE)), LARGE.length + " bytes");
        assertThat(post("/key", HttpRequest.BodyPublishers.ofString("{\"small\":1}")).statusCode()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyIsA413OnceItPassesTheLimit() throws Exception {
        assertTooLarge(post("/key", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(LARGE))),
                "over 128KB");
    }

    @Test
    void aRestoreMayBeLarger() throws Exception {
        HttpResponse<String> restore = post("/restore", HttpRequest.BodyPublishers.ofByteArray(LARGE));
        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(400);
        assertThat(restore.body()).contains("no 'format'");
    }

    private static void assertTooLarge(HttpResponse<String> response, String size) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("The request body is " + size + "; the limit is 128KB");
    }

    private HttpResponse<String> post(String path, BodyPublisher body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(body)
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
