package io.github.raftspringboot.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftRoleChangedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose application fails to start exits: the JVM ends with a non-zero status and a failure analysis, and
 * the Raft node never takes part in the cluster (it does not become leader, not even a single-node one). Each case
 * runs a real application in a child JVM, as an operator would start it.
 */
class FailFastStartupTest {

    /** Long enough for a loaded machine to start and stop a JVM; a hang (a thread keeping the JVM alive) is longer. */
    private static final long EXIT_SECONDS = 90;

    @TempDir
    Path dir;

    @Test
    void webPortInUseExitsWithTheAnalysisAndTheNodeNeverLeads() throws Exception {
        try (ServerSocket blocker = occupiedPort()) {
            Result result = run("web", blocker.getLocalPort());
            assertThat(result.exitCode()).as(result.output()).isNotZero();
            assertThat(result.output()).contains("APPLICATION FAILED TO START")
                .contains("Port " + blocker.getLocalPort() + " was already in use")
                .doesNotContain("ROLE LEADER");
        }
    }

    @Test
    void grpcPortInUseExitsWithAnAnalysisNamingTheProperty() throws Exception {
        try (ServerSocket blocker = occupiedPort()) {
            Result result = run("grpc", blocker.getLocalPort());
            assertThat(result.exitCode()).as(result.output()).isNotZero();
            assertThat(result.output()).contains("APPLICATION FAILED TO START")
                .contains("The gRPC server (RaftAdmin, leader health) could not listen")
                .contains("set spring.grpc.server.port")
                .doesNotContain("ROLE LEADER");
        }
    }

    @Test
    void aFailureAfterTheNodeJoinedStillStopsItAndEndsTheJvm() throws Exception {
        Result result = run("runner", 0);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("ROLE LEADER").contains("runner failed on purpose")
            .contains("Raft node 'child' stopped");
    }

    private static ServerSocket occupiedPort() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress("0.0.0.0", TestCluster.freePort()));
        return socket;
    }

    private Result run(String mode, int blockedPort) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), FailingNode.class.getName(), mode,
                dir.resolve("state").toString(), String.valueOf(TestCluster.freePort()), String.valueOf(blockedPort)));
        Path log = dir.resolve(mode + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        boolean exited = process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exited).as("the JVM did not exit within %d s:%n%s", EXIT_SECONDS, output).isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }

    /** A one-node application whose start-up fails in the way {@code args[0]} names. */
    public static final class FailingNode {

        public static void main(String[] args) {
            String mode = args[0];
            List<String> properties = new ArrayList<>(List.of("raft.node-id=child", "raft.state-dir=" + args[1],
                    "raft.port=" + args[2], "raft.bind-address=127.0.0.1", "raft.advertise-address=127.0.0.1",
                    "raft.election-timeout=300ms", "raft.heartbeat-interval=100ms", "spring.grpc.server.address=127.0.0.1",
                    "spring.grpc.server.port=" + (mode.equals("grpc") ? args[3] : "0"), "server.port=" + args[3],
                    "server.address=0.0.0.0", "child.fail-runner=" + mode.equals("runner")));
            // As command-line arguments: they win over the test resources' application.properties.
            new SpringApplicationBuilder(ChildApplication.class)
                .web(mode.equals("web") ? WebApplicationType.SERVLET : WebApplicationType.NONE)
                .run(properties.stream().map(property -> "--" + property).toArray(String[]::new));
        }
    }

    /** Auto-configuration, plus a line per role change so that the test sees whether the node ever led. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class ChildApplication {

        @EventListener
        public void roleChanged(RaftRoleChangedEvent event) {
            System.out.println("ROLE " + event.role());
        }

        @Bean
        @ConditionalOnProperty(name = "child.fail-runner", havingValue = "true")
        ApplicationRunner failingRunner(RaftNode node) {
            return arguments -> {
                await().until(() -> node.status().role() == RaftRole.LEADER);
                System.out.println("ROLE LEADER");
                throw new IllegalStateException("runner failed on purpose");
            };
        }
    }
}
