package io.github.raftspringboot.sample.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftKeyValueStore;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API of one real node (memory storage), through a real HTTP client. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=api-test", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms",
                "spring.grpc.server.port=0" })
class HttpApiTest extends OneNodeHttpFixture {

    private static final JsonMapper json = new JsonMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Autowired
    RaftKeyValueStore store;

    @BeforeEach
    void emptyStore() {
        store.keys("").forEach(store::delete);
    }

    @Test
    void setsSeveralKeysAtOnceAndReadsThemBack() throws Exception {
        Response set = send("POST", "/key", "{\"a\":1,\"b\":{\"x\":[1,2]},\"users/42\":\"alice\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("index").asLong()).isPositive();
        assertThat(set.json().get("changed").asBoolean()).isTrue();

        assertThat(send("GET", "/key/a", null).body()).isEqualTo("1");
        assertThat(send("GET", "/key/b", null).json()).isEqualTo(json.readTree("{\"x\":[1,2]}"));
        assertThat(send("GET", "/key/users/42?consistency=local", null).body()).isEqualTo("\"alice\"");
        assertThat(send("GET", "/key/missing", null).body()).isEqualTo("null");
        // Set atomically: one log entry for the three keys.
        assertThat(store.get("a")).isPresent();
        assertThat(set.json().get("index").asLong()).isEqualTo(node.status().appliedIndex());
    }

    @Test
    void listsByPrefix() throws Exception {
        send("POST", "/key", "{\"users/1\":\"ann\",\"users/2\":\"bob\",\"other\":true}");

        assertThat(send("GET", "/key?prefix=users/", null).json())
            .isEqualTo(json.readTree("{\"users/1\":\"ann\",\"users/2\":\"bob\"}"));
        JsonNode all = send("GET", "/key", null).json();
        assertThat(all.propertyNames()).containsExactly("other", "users/1", "users/2");
        assertThat(send("GET", "/key?prefix=nothing-here", null).body()).isEqualTo("{}");
    }

    @Test
    void deletesAKeyAndSaysWhetherItExisted() throws Exception {
        send("POST", "/key", "{\"gone\":1}");
        assertThat(send("DELETE", "/key/gone", null).json().get("changed").asBoolean()).isTrue();
        assertThat(send("DELETE", "/key/gone", null).json().get("changed").asBoolean()).isFalse();
        assertThat(send("GET", "/key/gone", null).body()).isEqualTo("null");
    }

    @Test
    void statusDescribesTheNode() throws Exception {
        JsonNode status = send("GET", "/status", null).json();
        assertThat(status.get("nodeId").asString()).isEqualTo("api-test");
        assertThat(status.get("role").asString()).isEqualTo("LEADER");
        assertThat(status.get("leader").get("id").asString()).isEqualTo("api-test");
        assertThat(status.get("servers")).hasSize(1);
    }

    @Test
    void membershipRequestsWithMissingOrInvalidFieldsAreRefused() throws Exception {
        Response missingAddress = send("POST", "/join", "{\"id\":\"node9\"}");
        assertProblem(missingAddress, 400, "'addr' is missing");
        assertProblem(send("POST", "/join", "{\"id\":\"node 9\",\"addr\":\"127.0.0.1:1\"}"), 400,
                "not a valid node id");
        assertProblem(send("POST", "/join", "{\"id\":\"node9\",\"addr\":\"no-port\"}"), 400, "host:port");
        assertProblem(send("POST", "/remove", "{}"), 400, "'id' is missing");
    }

    @Test
    void everyMalformedRequestIsAProblemDetailThatSaysWhatIsWrong() throws Exception {
        assertProblem(send("POST", "/key", "{\"a\":"), 400, "not valid JSON");
        assertProblem(send("POST", "/key", "[1,2]"), 400, "must be a JSON object");
        assertProblem(send("POST", "/key", "\"text\""), 400, "must be a JSON object");
        assertProblem(send("POST", "/key", "{}"), 400, "at least one key");
        assertProblem(send("POST", "/key", "{\"a\":null}"), 400, "DELETE /key/a");
        assertProblem(send("POST", "/key", ""), 400, "body is missing");
        assertProblem(send("POST", "/key", "{\"" + "k".repeat(2000) + "\":1}"), 400, "raft.limits.max-key-size");
        assertProblem(send("GET", "/key/a?consistency=eventual", null), 400, "consistency=local");
        assertProblem(send("GET", "/key/", null), 400, "key is missing");
        assertProblem(send("PUT", "/key/a", "1"), 405, "Method 'PUT' is not supported on /key/a: use DELETE or GET");
        assertProblem(send("GET", "/nowhere", null), 404, "/key");
        assertProblem(sendForm("/key", "a=1"), 415, "send the body as JSON with Content-Type: application/json");
        assertProblem(send("POST", "/join", "not json"), 400, "not valid JSON");
        assertProblem(send("POST", "/restore", "{\"format\":\"other/9\",\"entries\":{}}"), 400, "backup format");
        assertProblem(send("POST", "/restore", "{\"count\":1}"), 400, "'format'");
    }

    @Test
    void restoresABackupIntoAnEmptyStoreOnly() throws Exception {
        send("POST", "/key", "{\"a\":1,\"b\":[true,\"x\"],\"c\":{\"d\":null}}");
        Response backup = send("GET", "/backup", null);
        assertThat(backup.status()).isEqualTo(200);
        JsonNode document = backup.json();
        assertThat(document.get("format").asString()).isEqualTo(BackupController.FORMAT);
        assertThat(document.get("count").asInt()).isEqualTo(3);
        assertThat(document.get("entries").propertyNames()).containsExactly("a", "b", "c");

        assertThat(document.get("consistency").asString()).isEqualTo("linearizable");
        Response local = send("GET", "/backup?consistency=local", null);
        assertThat(local.json().get("consistency").asString()).isEqualTo("local");
        assertThat(local.json().get("entries")).isEqualTo(document.get("entries"));
        assertProblem(send("GET", "/backup?consistency=maybe", null), 400, "consistency=local");

        assertProblem(send("POST", "/restore", backup.body()), 409, "force=true");

        send("DELETE", "/key/a", null);
        send("DELETE", "/key/b", null);
        send("DELETE", "/key/c", null);
        Response restored = send("POST", "/restore", backup.body());
        assertThat(restored.status()).isEqualTo(200);
        assertThat(restored.json().get("restored").asInt()).isEqualTo(3);
        assertThat(restored.json().get("logEntries").asInt()).isEqualTo(1);
        assertThat(send("GET", "/key", null).json()).isEqualTo(document.get("entries"));

        send("POST", "/key", "{\"a\":2,\"extra\":0}");
        assertThat(send("POST", "/restore?force=true", backup.body()).status()).isEqualTo(200);
        assertThat(send("GET", "/key/a", null).body()).isEqualTo("1");
        assertThat(send("GET", "/key/extra", null).body()).isEqualTo("0");
    }

    private void assertProblem(Response response, int status, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    @Test
    void exposesTheRaftMetersForPrometheus() throws Exception {
        send("POST", "/key", "{\"metered\":1}");
        send("GET", "/key/metered", null);
        Response scrape = send("GET", "/actuator/prometheus", null);
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body()).contains("raft_term{", "raft_commit_index{", "raft_leader{raft_node=\"api-test\"} 1.0",
                "raft_log_commit_seconds_count{", "raft_snapshot_seconds_count{", "raft_store_entries{",
                "raft_store_operations_seconds_count{consistency=\"none\",operation=\"put_all\",outcome=\"success\"");
    }

    private Response send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
                : HttpRequest.BodyPublishers.noBody());
        return exchange(request.build());
    }

    private Response sendForm(String path, String body) throws IOException, InterruptedException {
        return exchange(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
    }

    private Response exchange(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    record Response(int status, String contentType, String body) {

        JsonNode json() {
            return HttpApiTest.json.readTree(body);
        }
    }
}
