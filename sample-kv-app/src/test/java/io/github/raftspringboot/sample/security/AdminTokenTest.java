package io.github.raftspringboot.sample.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.test.FreePorts;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * One real node of the sample with an admin token (as RAFT_ADMIN_TOKEN sets it): cluster endpoints and Actuator
 * writes need it over HTTP (401 without, 403 wrong, served with it), and so does the gRPC admin port; key reads
 * and writes need nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "sample.security.admin-token=" + AdminTokenTest.TOKEN, "raft.node-id=token-test",
                "raft.storage=memory", "raft.bind-address=127.0.0.1", "raft.advertise-address=127.0.0.1",
                "raft.election-timeout=500ms", "raft.heartbeat-interval=100ms", "spring.grpc.server.port=0",
                "spring.grpc.server.address=127.0.0.1" })
class AdminTokenTest {

    static final String TOKEN = "9d4f0c2b7a1e6d3c";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    RaftNode node;

    @Autowired
    GrpcServerLifecycle grpcServer;

    @DynamicPropertySource
    static void raftPort(DynamicPropertyRegistry registry) {
        registry.add("raft.port", FreePorts::next);
    }

    @BeforeEach
    void leaderElected() {
        await().atMost(Duration.ofSeconds(30)).until(node::isLeader);
    }

    @Test
    void clusterEndpointsNeedTheBearerToken() throws Exception {
        HttpResponse<String> missing = send("GET", "/backup", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(missing.body()).contains("Authorization: Bearer").contains("RAFT_ADMIN_TOKEN");

        HttpResponse<String> wrong = send("GET", "/backup", "Bearer not-" + TOKEN);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("\"status\":403").doesNotContain(TOKEN);

        assertThat(send("GET", "/backup", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void actuatorWritesNeedTheTokenAndReadsDoNot() throws Exception {
        assertThat(send("POST", "/actuator/raft/snapshot", null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/actuator/raft/snapshot", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/raft/backup", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/actuator/raft", null).statusCode()).isEqualTo(200);
    }

    /** Spring MVC drops path parameters and decodes escapes before it matches: so must the filter. */
    @Test
    void otherSpellingsOfTheAdminPathsNeedTheTokenToo() throws Exception {
        for (String[] request : new String[][] { { "GET", "/backup;x=1" }, { "GET", "/%62ackup" },
                { "GET", "/actuator/raft/backup;x=1" }, { "GET", "/actuator/raft/%62ackup" },
                { "POST", "/actuator;x/raft/snapshot" }, { "POST", "/%61ctuator/raft/snapshot" },
                { "POST", "/transfer-leadership;a" }, { "POST", "/%74ransfer-leadership" },
                { "POST", "/remove;a" }, { "POST", "/join;a" }, { "POST", "/restore;a" } }) {
            HttpResponse<String> response = send(request[0], request[1], null);
            assertThat(response.statusCode()).as(String.join(" ", request)).isEqualTo(401);
            assertThat(response.body()).as(String.join(" ", request)).contains("RAFT_ADMIN_TOKEN");
        }
        assertThat(send("GET", "/key;x/open", null).statusCode()).isNotIn(401, 403);
    }

    @Test
    void keysAndStatusStayOpen() throws Exception {
        HttpRequest write = HttpRequest.newBuilder(uri("/key"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"open\":true}"))
            .build();
        assertThat(http.send(write, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/key/open", null).body()).isEqualTo("true");
        assertThat(send("GET", "/status", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theGrpcAdminPortTakesTheSameToken() {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + grpcServer.getPort(),
                InsecureChannelCredentials.create()).build();
        try {
            assertThatExceptionOfType(StatusRuntimeException.class)
                .isThrownBy(() -> RaftAdminGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .state(StateRequest.getDefaultInstance()))
                .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
        finally {
            channel.shutdownNow();
        }
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (!method.equals("GET")) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{}"));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
