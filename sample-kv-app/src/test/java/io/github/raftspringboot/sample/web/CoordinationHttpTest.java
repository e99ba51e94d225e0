package io.github.raftspringboot.sample.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftKeyValueStore;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /key?meta=true, POST /txn and GET /watch on one real node, through a real HTTP client. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=coord-http", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms",
                "spring.grpc.server.port=0", "raft.limits.watch-history=20" })
class CoordinationHttpTest extends OneNodeHttpFixture {

    private static final JsonMapper json = new JsonMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Autowired
    RaftKeyValueStore store;

    @Test
    void metaReadsGiveTheRevisions() throws Exception {
        long created = send("POST", "/key", "{\"meta/a\":1}").json().get("index").asLong();
        long modified = send("POST", "/key", "{\"meta/a\":2}").json().get("index").asLong();
        assertThat(send("GET", "/key/meta/a?meta=true", null).json()).isEqualTo(json.readTree("{\"value\":2,"
                + "\"version\":2,\"createRevision\":" + created + ",\"modRevision\":" + modified + ",\"lease\":0}"));
        assertThat(send("GET", "/key?key=meta/none&meta=true", null).json().get("version").asInt()).isZero();
        assertProblem(send("GET", "/key/meta/a?meta=yes", null), 400, "meta must be true or false");
    }

    @Test
    void aTransactionRunsTheBranchItsComparesChoose() throws Exception {
        send("POST", "/key", "{\"txn/a\":1,\"txn/c\":true}");
        String txn = "{\"compare\":[{\"key\":\"txn/a\",\"value\":1},{\"key\":\"txn/b\",\"version\":0}],"
                + "\"success\":[{\"put\":{\"txn/a\":2}},{\"delete\":\"txn/c\"}],\"failure\":[{\"get\":\"txn/a\"}]}";
        JsonNode first = send("POST", "/txn", txn).json();
        assertThat(first.get("succeeded").asBoolean()).isTrue();
        assertThat(first.get("results").get(0).get("put").asString()).isEqualTo("txn/a");
        assertThat(first.get("results").get(1).get("changed").asBoolean()).isTrue();
        assertThat(first.get("results").get(0).get("modRevision").asLong()).isEqualTo(first.get("index").asLong());
        JsonNode second = send("POST", "/txn", txn).json();
        assertThat(second.get("succeeded").asBoolean()).isFalse();
        assertThat(second.get("results").get(0).get("value").asInt()).isEqualTo(2);
        assertThat(send("GET", "/key/txn/c", null).body()).isEqualTo("null");
    }

    @Test
    void badTransactionsAreProblemDetailsAndChangeNothing() throws Exception {
        assertProblem(send("POST", "/txn", "{\"compare\":[{\"key\":\"x\"}],\"success\":[{\"get\":\"x\"}]}"), 400,
                "compare[0] compares nothing");
        assertProblem(send("POST", "/txn", "{\"compare\":[{\"key\":\"x\",\"value\":1,\"version\":2}],"
                + "\"success\":[{\"get\":\"x\"}]}"), 400, "more than one thing");
        assertProblem(send("POST", "/txn", "{\"compare\":[{\"key\":\"x\",\"version\":0,\"op\":\"~\"}],"
                + "\"success\":[{\"get\":\"x\"}]}"), 400, "use =, !=, < or >");
        assertProblem(send("POST", "/txn", "{\"success\":[{\"put\":{\"x\":null}}]}"), 400, "is null");
        assertProblem(send("POST", "/txn", "{\"success\":[{\"move\":\"x\"}]}"), 400, "unknown operation 'move'");
        assertProblem(send("POST", "/txn", "{\"compare\":[]}"), 400, "no operation");
        assertProblem(send("POST", "/txn", "{\"then\":[]}"), 400, "Unknown field 'then'");
        assertThat(store.getEntry("x")).isEmpty();
    }

    @Test
    void aWatchStreamsEveryChangeAsServerSentEvents() throws Exception {
        long first = send("POST", "/key", "{\"sse/a\":1}").json().get("index").asLong();
        send("DELETE", "/key/sse/a", null);
        send("POST", "/key", "{\"other\":1,\"sse/b\":[2]}");
        List<JsonNode> events = watch("/watch?prefix=sse/&fromRevision=" + first + "&limit=3");
        assertThat(events).extracting(event -> event.get("type").asString()).containsExactly("PUT", "DELETE", "PUT");
        assertThat(events.get(0)).isEqualTo(json.readTree("{\"type\":\"PUT\",\"key\":\"sse/a\",\"value\":1,"
                + "\"revision\":" + first + ",\"prevValue\":null}"));
        assertThat(events.get(2).get("value")).isEqualTo(json.readTree("[2]"));
        List<JsonNode> one = watch("/watch?key=sse/b&fromRevision=" + first + "&limit=1");
        assertThat(one).singleElement().satisfies(event -> assertThat(event.get("key").asString()).isEqualTo("sse/b"));
    }

    @Test
    void aWatchFromACompactedRevisionIsGoneAndBadWatchesAreRefused() throws Exception {
        long old = send("POST", "/key", "{\"gone/0\":0}").json().get("index").asLong();
        for (int i = 1; i <= 25; i++) {
            send("POST", "/key", "{\"gone/" + i + "\":" + i + "}");
        }
        Response gone = send("GET", "/watch?prefix=gone/&fromRevision=" + old, null);
        assertProblem(gone, 410, "Revision " + old + " is compacted");
        assertThat(gone.json().get("oldestRevision").asLong()).isGreaterThan(old);
        assertProblem(send("GET", "/watch?fromRevision=1", null), 400, "Give either prefix");
        assertProblem(send("GET", "/watch?prefix=a&key=b", null), 400, "Give either prefix");
        assertProblem(send("GET", "/watch?prefix=a&fromRevision=-3", null), 400, "fromRevision must be a whole number");
    }

    @Test
    void aReconnectWithLastEventIdResumesInsideAMultiKeyRevision() throws Exception {
        long revision = send("POST", "/key", "{\"le/a\":1,\"le/b\":2,\"le/c\":3}").json().get("index").asLong();
        List<String> ids = new ArrayList<>();
        watch("/watch?prefix=le/&fromRevision=" + revision + "&limit=2", null, ids);
        assertThat(ids).containsExactly(Long.toString(revision), revision + ".1");
        List<JsonNode> rest = watch("/watch?prefix=le/&limit=1", revision + ".1", new ArrayList<>());
        assertThat(rest).singleElement().satisfies(event -> assertThat(event.get("key").asString()).isEqualTo("le/c"));
        assertProblem(send("GET", "/watch?prefix=le/", null, "Last-Event-ID", "x.1"), 400, "Last-Event-ID must be");
    }

    private List<JsonNode> watch(String path) throws IOException, InterruptedException {
        return watch(path, null, new ArrayList<>());
    }

    private List<JsonNode> watch(String path, String lastEventId, List<String> ids)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    events.add(json.readTree(line.substring(5)));
                }
                else if (line.startsWith("id:")) {
                    ids.add(line.substring(3));
                }
            }
        }
        return events;
    }

    private void assertProblem(Response response, int status, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    private Response send(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body, "X-Test", "1");
    }

    private Response send(String method, String path, String body, String header, String value)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20)).header(header, value);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
                : HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    record Response(int status, String contentType, String body) {

        JsonNode json() {
            return CoordinationHttpTest.json.readTree(body);
        }
    }
}
