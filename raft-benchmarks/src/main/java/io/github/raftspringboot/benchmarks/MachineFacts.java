package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a reader needs to weigh the figures: the machine, the software versions, the commit, and how busy the
 * machine was.
 */
record MachineFacts(int processors, String memory, String jdk, String etcdVersion, String commit, Instant date,
        String loadAverage) {

    static MachineFacts collect(String etcdBinary, Path projectRoot) {
        String commit = command(projectRoot, "git", "rev-parse", "--short", "HEAD");
        String changes = command(projectRoot, "git", "status", "--porcelain", "--untracked-files=no");
        return new MachineFacts(Runtime.getRuntime().availableProcessors(), totalMemory(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                firstLine(command(projectRoot, etcdBinary, "--version")),
                commit.isBlank() ? "unknown" : commit + (changes.isBlank() ? "" : " + uncommitted changes"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), currentLoadAverage());
    }

    /** The 1, 5 and 15 minute load averages, e.g. {@code 0.52 0.61 0.70}. */
    static String currentLoadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", List.of(fields).subList(0, 3));
        }
        catch (IOException | RuntimeException ex) {
            return "unknown (" + ex.getMessage() + ")";
        }
    }

    private static String totalMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
                }
            }
            return "unknown";
        }
        catch (IOException | RuntimeException ex) {
            return "unknown (" + ex.getMessage() + ")";
        }
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("unknown");
    }

    /** A short command's standard output, or an empty string when it cannot run. */
    private static String command(Path directory, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? output : "";
        }
        catch (IOException ex) {
            return "";
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
