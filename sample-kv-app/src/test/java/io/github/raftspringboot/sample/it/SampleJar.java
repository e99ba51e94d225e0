package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.github.raftspringboot.test.FreePorts;

/** Where the executable jar and the repository are, and free ports to run nodes on. */
final class SampleJar {

    private SampleJar() {
    }

    /** The jar Maven's {@code package} phase built (Failsafe passes its path). */
    static Path jar() {
        String configured = System.getProperty("sample.jar");
        if (configured != null) {
            return Path.of(configured);
        }
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("sample-kv-app-.*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "No sample-kv-app jar in target/: run the integration tests with mvn verify"));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The repository's root directory. */
    static Path projectRoot() {
        return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * The seed's environment variables for node {@code id} with every address on loopback: its id, state directory,
     * HTTP, Raft and gRPC (RaftAdmin) ports ({@code grpcPort} 0: any free port, so that nodes on one host do not
     * share 9090). A mutable map, for the caller's PEERS and timings.
     */
    static Map<String, String> loopbackNode(String id, Path stateDir, int httpPort, int raftPort, int grpcPort) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("NODE_ID", id);
        environment.put("STATE_DIR", stateDir.toString());
        environment.put("HTTP_ADDR", "127.0.0.1");
        environment.put("HTTP_PORT", String.valueOf(httpPort));
        environment.put("RAFT_ADDR", "127.0.0.1");
        environment.put("RAFT_PORT", String.valueOf(raftPort));
        environment.put("RAFT_ADVERTISE_ADDR", "127.0.0.1");
        environment.put("SPRING_GRPC_SERVER_PORT", String.valueOf(grpcPort));
        return environment;
    }

    /** Spring's own names through relaxed binding: quicker elections for a loaded CI machine. */
    static void putQuickTimings(Map<String, String> environment) {
        environment.put("RAFT_ELECTION_TIMEOUT", "600ms");
        environment.put("RAFT_HEARTBEAT_INTERVAL", "150ms");
        environment.put("RAFT_REQUEST_TIMEOUT", "4s");
    }

    /**
     * A port for a node to bind later: below the ephemeral range ({@link FreePorts}), where the outgoing connections
     * of the nodes already running (peers, clients) cannot take it before the node binds it.
     */
    static int freePort() {
        return FreePorts.next();
    }
}
