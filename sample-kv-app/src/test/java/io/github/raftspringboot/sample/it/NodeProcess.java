package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The sample app as users run it: {@code java -jar} in its own process, configured only by environment variables,
 * its output in a log file.
 */
final class NodeProcess implements AutoCloseable {

    /** Small and quick to start: several nodes share two cores in CI. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx192m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");

    private final String name;

    private final Map<String, String> environment;

    private final List<String> jvmOptions;

    private final Path log;

    private final HttpJson http;

    private Process process;

    NodeProcess(String name, Map<String, String> environment, List<String> jvmOptions, Path logDirectory) {
        this.name = name;
        this.environment = new LinkedHashMap<>(environment);
        this.jvmOptions = jvmOptions;
        this.log = logDirectory.resolve(name + ".log");
        this.http = new HttpJson("http://127.0.0.1:" + environment.get("HTTP_PORT"));
    }

    NodeProcess(String name, Map<String, String> environment, Path logDirectory) {
        this(name, environment, List.of(), logDirectory);
    }

    String name() {
        return name;
    }

    HttpJson http() {
        return http;
    }

    /** The Raft address the node listens and advertises on. */
    String raftAddress() {
        return "127.0.0.1:" + environment.get("RAFT_PORT");
    }

    Path log() {
        return log;
    }

    /** Starts the process; returns without waiting for it to serve. */
    NodeProcess start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(SampleJar.jar().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Only the variables under test: nothing inherited may configure the node.
        builder.environment().keySet().removeIf(key -> key.startsWith("RAFT_") || key.startsWith("SERVER_")
                || List.of("NODE_ID", "STATE_DIR", "KV_STORE", "HTTP_ADDR", "HTTP_PORT", "PEERS").contains(key));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    /** Waits until the node answers {@code GET /status}. */
    NodeProcess awaitServing() {
        return awaitServing(Duration.ofSeconds(120));
    }

    /** Waits up to {@code timeout} until the node answers {@code GET /status}. */
    NodeProcess awaitServing(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output());
            }
            return http.statusOrNull() != null;
        });
        return this;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL (kill -9): the node dies at once, as in a crash or an OOM kill. */
    void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
    }

    /** SIGSTOP: the process freezes (a long GC pause, a stalled VM) until {@link #resume()}. */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** SIGTERM, then waits for the process to end; returns its exit code. */
    int terminate() {
        process.destroy();
        return waitForExit(Duration.ofSeconds(60));
    }

    int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(name + " did not exit within " + timeout + ":\n" + output());
            }
            return process.exitValue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
