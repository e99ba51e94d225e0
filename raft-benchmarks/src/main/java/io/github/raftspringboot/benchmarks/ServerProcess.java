package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server process (a sample node or an etcd member) with its output in a log file. Its pid is appended to
 * {@code <work dir>/pids} as well, so that scripts/benchmark.sh can stop it even if this JVM is killed.
 */
final class ServerProcess implements AutoCloseable {

    private final String name;

    private final Path log;

    private final Process process;

    private ServerProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code command} with only {@code environment} added to a cleaned copy of this JVM's environment. */
    static ServerProcess start(String name, List<String> command, Map<String, String> environment, Path workDir) {
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Nothing inherited may configure a server: the sample reads RAFT_*/SERVER_*/seed variables, etcd ETCD_*.
        builder.environment().keySet().removeIf(key -> key.startsWith("RAFT_") || key.startsWith("SERVER_")
                || key.startsWith("SPRING_") || key.startsWith("ETCD_") || key.startsWith("JAVA_TOOL")
                || List.of("NODE_ID", "STATE_DIR", "KV_STORE", "HTTP_ADDR", "HTTP_PORT", "PEERS").contains(key));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            Files.writeString(workDir.resolve("pids"), process.pid() + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return new ServerProcess(name, log, process);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot start " + name + " (" + String.join(" ", command) + ")", ex);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** Fails with the end of the log when the process has exited. */
    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with status " + process.exitValue()
                    + "; the end of its log (" + log + "):\n" + tail(40));
        }
    }

    String tail(int lines) {
        return tail(log, lines);
    }

    /** The last lines of a log file, or why it cannot be read. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException | UncheckedIOException ex) {
            return "(log unreadable: " + ex.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after 15 s: the data is thrown away anyway. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
