package io.github.raftspringboot.sample.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.test.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's {@code /join} and {@code /remove} on a running node: requests that would hurt the cluster are refused
 * with a problem detail that names the reason, and the configuration and data stay as they were.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=join-test", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms",
                "spring.grpc.server.port=0" })
class MembershipRequestsTest {

    private static final JsonMapper json = new JsonMapper();

    private static final int RAFT_PORT = FreePorts.next();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    RaftNode node;

    @Autowired
    RaftKeyValueStore store;

    @DynamicPropertySource
    static void raftPort(DynamicPropertyRegistry registry) {
        registry.add("raft.port", () -> RAFT_PORT);
    }

    @BeforeEach
    void leaderElected() {
        await().atMost(Duration.ofSeconds(30)).until(node::isLeader);
        store.put("k", 1);
    }

    @Test
    void joinOfAnExistingIdAtAnotherAddressIsAConflictNamingTheCurrentAddress() throws Exception {
        String before = servers();
        JsonNode problem = assertProblem(post("/join", "{\"id\":\"join-test\",\"addr\":\"127.0.0.1:41199\"}"), 409,
                "'join-test' is already a member at 127.0.0.1:" + RAFT_PORT);
        assertThat(problem.get("reason").asString()).isEqualTo("ADDRESS_CONFLICT");
        assertThat(problem.get("detail").asString()).contains("\"replace\": true");
        // Another id at this member's address: the title fits both kinds of conflict.
        JsonNode shared = assertProblem(post("/join", "{\"id\":\"other\",\"addr\":\"127.0.0.1:" + RAFT_PORT
                + "\",\"voter\":false}"), 409, "127.0.0.1:" + RAFT_PORT + " is the address of member 'join-test'");
        assertThat(shared.get("title").asString()).isEqualTo("Address conflict");
        assertUnchanged(before);
    }

    @Test
    void joinWithAMalformedAddressIsRefusedBeforeAnythingIsProposed() throws Exception {
        String before = servers();
        assertProblem(post("/join", "{\"id\":\"x4\",\"addr\":\"!!!:1\"}"), 400, "not a valid host name");
        assertProblem(post("/join", "{\"id\":\"x4\",\"addr\":\"127.0.0.1:0\"}"), 400, "between 1 and 65535");
        assertUnchanged(before);
    }

    @Test
    void joinOfAVoterThatDoesNotAnswerIsRefusedByTheStrictCheck() throws Exception {
        String before = servers();
        JsonNode problem = assertProblem(post("/join", "{\"id\":\"x4\",\"addr\":\"127.0.0.1:" + FreePorts.next() + "\"}"),
                409, "'x4' does not answer on its Raft port");
        assertThat(problem.get("reason").asString()).isEqualTo("UNSAFE_RECONFIGURATION");
        assertThat(problem.get("detail").asString()).contains("force");
        assertUnchanged(before);
    }

    @Test
    void aServerAddedByMistakeCanBeRemoved() throws Exception {
        String before = servers();
        HttpResponse<String> added = post("/join",
                "{\"id\":\"x5\",\"addr\":\"no-such-host.invalid:12000\",\"voter\":false}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(servers()).contains("x5");
        HttpResponse<String> removed = post("/remove", "{\"id\":\"x5\"}");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertUnchanged(before);
    }

    private void assertUnchanged(String servers) throws Exception {
        assertThat(servers()).isEqualTo(servers);
        assertThat(store.get("k")).isPresent();
    }

    private String servers() throws Exception {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
            .build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(status.body()).get("servers").toString();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("detail").asString()).contains(detail);
        return problem;
    }
}
