package io.github.raftspringboot.sample.actuator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sample exposes the Raft endpoint, the raft readiness health and the Raft meters in Prometheus format. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "raft.node-id=actuator-test", "raft.storage=memory", "raft.bind-address=127.0.0.1",
                "raft.advertise-address=127.0.0.1", "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms" })
class ActuatorEndpointsTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    RaftNode node;

    @Autowired
    RaftKeyValueStore store;

    @DynamicPropertySource
    static void raftPort(DynamicPropertyRegistry registry) {
        registry.add("raft.port", ActuatorEndpointsTest::freePort);
    }

    @Test
    void prometheusRaftAndReadinessAreExposed() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(node::isLeader);
        store.put("prometheus", 1);

        HttpResponse<String> prometheus = get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("raft_term ").contains("raft_leader 1.0")
            .contains("raft_log_commit_index ")
            .contains("raft_store_operations_seconds_count{consistency=\"none\",error=\"none\",operation=\"put\","
                    + "outcome=\"success\"}");

        HttpResponse<String> raft = get("/actuator/raft");
        assertThat(raft.statusCode()).isEqualTo(200);
        assertThat(raft.body()).contains("\"nodeId\":\"actuator-test\"").contains("\"role\":\"LEADER\"");

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"raft\"");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
