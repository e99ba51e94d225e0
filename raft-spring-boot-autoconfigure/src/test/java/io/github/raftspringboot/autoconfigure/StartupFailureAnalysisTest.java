package io.github.raftspringboot.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every misconfiguration the issue names fails start-up with Spring Boot's failure analysis: a description and
 * an action, printed as the "APPLICATION FAILED TO START" report, not a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureAnalysisTest {

    @TempDir
    Path dir;

    @Test
    void malformedPeers(CapturedOutput output) {
        assertFailure(output, Map.of("raft.peers", "node1@127.0.0.1:12000,node2-without-address"),
                "raft.peers entry 'node2-without-address' must have the form id@host:port",
                "node1@10.0.0.1:12000,node2@10.0.0.2:12000");
    }

    @Test
    void ownIdMissingFromPeers(CapturedOutput output) {
        assertFailure(output, Map.of("raft.peers", "node2@127.0.0.1:12001,node3@127.0.0.1:12002"),
                "it does not contain this node's id 'node1'", "raft.bootstrap=false");
    }

    @Test
    void duplicateIds(CapturedOutput output) {
        assertFailure(output, Map.of("raft.peers", "node1@127.0.0.1:12001,node1@127.0.0.1:12002"),
                "node id 'node1' appears more than once", "distinct id");
    }

    @Test
    void portInUse(CapturedOutput output) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            assertFailure(output, Map.of("raft.port", String.valueOf(port), "raft.peers", "node1@127.0.0.1:" + port),
                    "The Raft port 127.0.0.1:" + port + " is already in use", "set raft.port (RAFT_PORT) to a free port");
        }
    }

    @Test
    void stateDirNotWritable(CapturedOutput output) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertFailure(output, Map.of("raft.state-dir", file.resolve("state").toString()),
                "cannot be created or written", "Set raft.state-dir (or STATE_DIR) to a directory this process can write");
    }

    @Test
    void stateDirOfAnotherNode(CapturedOutput output) throws Exception {
        Path state = Files.createDirectories(dir.resolve("shared"));
        Files.writeString(state.resolve("node-id"), "node7\n");
        assertFailure(output, Map.of("raft.state-dir", state.toString()),
                "belongs to node 'node7', but this node's id is 'node1'", "Give each node its own raft.state-dir");
    }

    @Test
    void stateDirOfAnotherCluster(CapturedOutput output) {
        try (TestCluster other = TestCluster.start(3, dir.resolve("other"), Map.of())) {
            other.awaitLeader();
        }
        assertFailure(output, Map.of("raft.state-dir", dir.resolve("other").resolve("node1").toString(), "raft.peers",
                "node1@127.0.0.1:" + TestCluster.freePort() + ",nodeX@127.0.0.1:1,nodeY@127.0.0.1:2"),
                "belongs to a cluster of [node2, node3] and this node, but raft.peers names [nodeX, nodeY]",
                "Point raft.state-dir at this cluster's directory, or fix raft.peers");
    }

    @Test
    void heartbeatNotBelowElectionTimeout(CapturedOutput output) {
        assertFailure(output, Map.of("raft.election-timeout", "500ms", "raft.heartbeat-interval", "400ms"),
                "it must be at most half of raft.election-timeout", "Lower raft.heartbeat-interval");
    }

    @Test
    void invalidNodeId(CapturedOutput output) {
        assertFailure(output, Map.of("raft.node-id", "bad id!", "raft.peers", ""),
                "is not a valid node id", "Set raft.node-id");
    }

    @Test
    void theAnalysisSaysWhereTheValueCameFrom(CapturedOutput output) {
        int port = TestCluster.freePort();
        assertThatThrownBy(() -> new SpringApplicationBuilder(TestCluster.NodeApplication.class)
            .web(WebApplicationType.NONE)
            .properties(Map.of("raft.node-id", "node1", "raft.port", port, "raft.peers", "node1@127.0.0.1:" + port,
                    "raft.state-dir", dir.resolve("node1").toString()))
            .run("--raft.heartbeat-interval=900ms")
            .close()).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Invalid value 'PT0.9S' for raft.heartbeat-interval")
            .contains("The value came from")
            .contains("commandLineArgs");
    }

    private void assertFailure(CapturedOutput output, Map<String, String> overrides, String description,
            String action) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("raft.node-id", "node1");
        properties.put("raft.bind-address", "127.0.0.1");
        properties.put("raft.advertise-address", "127.0.0.1");
        int port = TestCluster.freePort();
        properties.put("raft.port", port);
        properties.put("raft.peers", "node1@127.0.0.1:" + port);
        properties.put("raft.state-dir", dir.resolve("node1").toString());
        properties.putAll(overrides);
        assertThatThrownBy(() -> new SpringApplicationBuilder(TestCluster.NodeApplication.class)
            .web(WebApplicationType.NONE)
            .properties(properties)
            .run()
            .close()).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Description:")
            .contains(description)
            .contains("Action:")
            .contains(action);
    }
}
