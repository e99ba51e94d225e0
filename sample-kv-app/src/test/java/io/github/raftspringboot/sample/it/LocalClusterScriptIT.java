package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code scripts/local-cluster.sh} as a user runs it: start, put/get, stop. */
class LocalClusterScriptIT {

    @TempDir
    Path dir;

    private int httpBase;

    private int raftBase;

    private int grpcBase;

    @AfterEach
    void stopWhateverIsLeft() {
        if (httpBase > 0) {
            run("stop");
        }
    }

    @Test
    void startsThreeNodesWithALeaderServesAndStops() throws IOException {
        httpBase = freeBase(0);
        raftBase = freeBase(httpBase);
        grpcBase = freeBase(raftBase);

        Result start = run("start");
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("Leader: node").contains("curl -XPOST http://127.0.0.1:" + (httpBase + 1));
        for (int i = 1; i <= 3; i++) {
            assertThat(dir.resolve("node" + i + ".pid")).exists();
            assertThat(dir.resolve("node" + i).resolve("node-id")).hasContent("node" + i + "\n");
        }

        HttpJson node1 = new HttpJson("http://127.0.0.1:" + (httpBase + 1));
        HttpJson node3 = new HttpJson("http://127.0.0.1:" + (httpBase + 3));
        assertThat(node1.post("/key", "{\"hello\":\"world\"}").status()).isEqualTo(200);
        assertThat(node3.get("/key/hello").body()).isEqualTo("\"world\"");

        Result status = run("status");
        assertThat(status.output()).contains("role LEADER").containsPattern("node3: pid \\d+");

        Result stop = run("stop");
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        assertThat(stop.output()).contains("Stopped node1", "Stopped node2", "Stopped node3");
        for (int i = 1; i <= 3; i++) {
            assertThat(dir.resolve("node" + i + ".pid")).doesNotExist();
            assertThat(Files.readString(dir.resolve("node" + i + ".log"))).contains("Raft node 'node" + i + "' stopped");
        }
        assertThat(run("status").output()).contains("node1: stopped", "node2: stopped", "node3: stopped");
    }

    private Result run(String command) {
        ProcessBuilder builder = new ProcessBuilder("bash",
                SampleJar.projectRoot().resolve("scripts/local-cluster.sh").toString(), command)
            .redirectErrorStream(true);
        builder.environment()
            .putAll(Map.of("LOCAL_CLUSTER_DIR", dir.toString(), "HTTP_BASE_PORT", String.valueOf(httpBase),
                    "RAFT_BASE_PORT", String.valueOf(raftBase), "GRPC_BASE_PORT", String.valueOf(grpcBase), "JAVA_OPTS",
                    "-Xmx192m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
                    // The start-up archive is still trained and used, by a one-node training run: three took longer
                    // than the rest of this test, and the script's start path is the same.
                    "TRAINING_NODES", "1"));
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
            return new Result(process.exitValue(), output);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** A base port whose next three ports are free and clear of {@code other}'s. */
    private static int freeBase(int other) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20000, 40000);
            if (Math.abs(base - other) > 10 && free(base + 1) && free(base + 2) && free(base + 3)) {
                return base;
            }
        }
        throw new IllegalStateException("No three consecutive free ports found");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    record Result(int exitCode, String output) {
    }
}
