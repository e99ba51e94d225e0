package io.github.raftspringboot.sample.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jar started in Spring AOT mode ({@code -Dspring.aot.enabled=true}, the fast start of docs/startup.md): the bean
 * definitions generated at build time by {@code process-aot} must give the same node as the ordinary start, i.e. the
 * store, the Raft node, the actuator endpoints and the starter's gRPC admin service. Without the generated code the
 * JVM refuses to start in this mode, so this also checks that the build ran Spring AOT.
 */
class SpringAotStartIT {

    @TempDir
    Path dir;

    private NodeProcess node;

    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aZeroConfigurationNodeInSpringAotModeLeadsAcknowledgesWritesAndServesItsEndpoints() throws Exception {
        int grpcPort = SampleJar.freePort();
        // Assigned before the wait, so that a node that is slow to serve is still stopped after the test.
        node = new NodeProcess("aot1", environment("aot1", grpcPort), List.of("-Dspring.aot.enabled=true"), dir)
            .start();
        // A start without an archive, which took over 2 minutes beside other builds on a loaded 2-core machine.
        node.awaitServing(Duration.ofMinutes(4));

        await().atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(node.http().post("/key", "{\"first\":\"write\"}").status()).isEqualTo(200));
        assertThat(node.http().get("/key/first").body()).isEqualTo("\"write\"");
        assertThat(node.http().get("/status").json().get("role").asString()).isEqualTo("LEADER");
        assertThat(node.http().get("/actuator/health").json().at("/components/raft/status").asString())
            .isEqualTo("UP");
        assertThat(node.http().get("/actuator/raft").status()).isEqualTo(200);
        assertThat(node.http().get("/actuator/prometheus").body()).contains("raft_");

        channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        assertThat(RaftAdminGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .state(StateRequest.getDefaultInstance())
            .getState()).isEqualTo(StateResponse.State.LEADER);

        // Spring AOT mode really was on: the generated bean definitions were registered.
        assertThat(node.output()).contains("Starting AOT-processed SampleKvApplication");
        assertThat(node.terminate()).isIn(0, 143);
    }

    /** The admin service was on when the jar was built: turning it off at run time must not be silently ignored. */
    @Test
    void aSwitchTurnedOffAtRunTimeThatTheBuildHadOnStopsTheStartNamingIt() {
        Map<String, String> environment = environment("aot2", SampleJar.freePort());
        environment.put("RAFT_GRPC_ADMIN_ENABLED", "false");
        node = new NodeProcess("aot2", environment, List.of("-Dspring.aot.enabled=true"), dir).start();

        assertThat(node.waitForExit(Duration.ofSeconds(180))).isNotZero();
        assertThat(node.output()).contains("APPLICATION FAILED TO START", "raft.grpc.admin.enabled",
                "Spring AOT's bean definitions", "RAFT_GRPC_ADMIN_ENABLED")
            .doesNotContain("Raft node 'aot2' listening");
    }

    private Map<String, String> environment(String id, int grpcPort) {
        Map<String, String> environment = SampleJar.loopbackNode(id, dir.resolve(id), SampleJar.freePort(),
                SampleJar.freePort(), grpcPort);
        environment.put("SPRING_GRPC_SERVER_ADDRESS", "127.0.0.1");
        return environment;
    }
}
