package io.github.raftspringboot.autoconfigure.grpc;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.test.FreePorts;
import io.github.raftspringboot.autoconfigure.actuate.WebCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * raftmanager pointed at the wrong thing: a host name that does not resolve, or a web port (HTTP/1.1) instead of the
 * gRPC port. Each is one line that says so, no stack trace, and the exit status of a failed call (1).
 */
class RaftManagerWrongTargetTest {

    @TempDir
    static Path dir;

    static WebCluster web;

    @BeforeAll
    static void startNode() {
        web = WebCluster.start(1, dir, Map.of());
    }

    @AfterAll
    static void stopNode() {
        if (web != null) {
            web.close();
        }
    }

    @Test
    void aTomcatWebPortIsNamedAsHttp1() {
        RaftManagerProcess.Result result = RaftManagerProcess.run("--timeout", "60s",
                "127.0.0.1:" + web.httpPort("node1"), "leader");
        assertOneLineFailure(result, "the target speaks HTTP/1.1, not gRPC");
    }

    @Test
    void anyOtherHttp1ServerIsNamedAsHttp1() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.next()), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            RaftManagerProcess.Result result = RaftManagerProcess.run("--timeout", "60s",
                    "127.0.0.1:" + server.getAddress().getPort(), "leader");
            assertOneLineFailure(result, "the target speaks HTTP/1.1, not gRPC");
        }
        finally {
            server.stop(0);
        }
    }

    @Test
    void anUnresolvableHostIsOneLine() throws Exception {
        // Names come from this file instead of DNS: the test sends nothing off the machine.
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        RaftManagerProcess.Result result = RaftManagerProcess.runWithJvmOptions(
                List.of("-Djdk.net.hosts.file=" + hosts), "--timeout", "60s", "nohost.invalid:9090", "leader");
        assertOneLineFailure(result, "cannot resolve the host name 'nohost.invalid'");
    }

    private static void assertOneLineFailure(RaftManagerProcess.Result result, String message) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        assertThat(result.err().lines().toList()).as(result.err()).singleElement().asString()
            .startsWith("raftmanager: Leader failed: ")
            .contains(message);
        assertThat(result.err()).doesNotContain("\tat ", "Exception");
        assertThat(result.out()).isEqualTo("Invoking Leader()" + System.lineSeparator());
    }
}
