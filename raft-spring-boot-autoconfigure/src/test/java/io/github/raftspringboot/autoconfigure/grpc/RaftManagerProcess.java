package io.github.raftspringboot.autoconfigure.grpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the raftmanager CLI as a separate process: its runnable jar when the build has packaged it (mvn verify),
 * otherwise its main class on this test's class path.
 */
final class RaftManagerProcess {

    private RaftManagerProcess() {
    }

    static Result run(String... args) {
        return run(List.of(), Map.of(), args);
    }

    /** Runs it with extra JVM options, e.g. {@code -Djdk.net.hosts.file=...} to resolve names without DNS. */
    static Result runWithJvmOptions(List<String> jvmOptions, String... args) {
        return run(jvmOptions, Map.of(), args);
    }

    /** Runs it with these environment variables added to this JVM's. */
    static Result run(Map<String, String> environment, String... args) {
        return run(List.of(), environment, args);
    }

    private static Result run(List<String> jvmOptions, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A process of a second or two: C1 only and the serial GC cost about a third less CPU on a busy machine.
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        String jar = System.getProperty("raftmanager.jar");
        if (jar != null && Files.isRegularFile(Path.of(jar))) {
            command.addAll(List.of("-jar", jar));
        }
        else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                    "io.github.raftspringboot.admin.cli.RaftManager"));
        }
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            // Read both streams fully; the CLI's output is small, so this cannot block the process.
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("raftmanager did not finish: " + command);
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot run " + command, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    record Result(int exitCode, String out, String err) {

        List<String> lines() {
            return out.lines().toList();
        }
    }
}
