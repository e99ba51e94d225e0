package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The {@code --profile-dir} profiles of the sample's nodes, one per measured kv run, each summarised as it ends. */
final class KvRunProfiles {

    private final ServerProfiler profiler;

    private final PrintStream out;

    /** Each profiled run's summary file, by run name. */
    private final Map<String, Path> summaries = new LinkedHashMap<>();

    KvRunProfiles(ServerProfiler profiler, PrintStream out) {
        this.profiler = profiler;
        this.out = out;
    }

    /** Profiles {@code target}'s processes during the measured window of the run called {@code name}. */
    ClosedLoopRun.Window window(BenchmarkTarget target, String name) {
        return new ClosedLoopRun.Window() {
            @Override
            public void starting() {
                profiler.start(target.serverPids());
            }

            @Override
            public void ended() {
                summarise(name, profiler.stop(target.serverPids(), name));
            }
        };
    }

    /** The report's note listing the summaries, if any run was profiled. */
    Optional<String> note() {
        if (summaries.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("CPU profiles of the sample's nodes in each measured kv run (async-profiler, one sample per "
                + "ms of CPU per thread, kernel frames included; its sampling is in the kv CPU column): "
                + String.join(", ", summaries.values().stream().map(Path::toString).toList()) + ".");
    }

    private void summarise(String name, List<Path> files) {
        try {
            ProfileSummary summary = new ProfileSummary();
            for (Path file : files) {
                summary.add(file);
            }
            Path written = profiler.dir().resolve(name + ".md");
            Files.writeString(written, summary.render("kv " + name + ": " + files.size() + " nodes", 12));
            summaries.put(name, written);
            out.printf(Locale.ROOT, "Profile of kv %s: %s (%,d samples, %.0f %% in the kernel)%n", name, written,
                    summary.total(), 100 * summary.kernelShare());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot summarise the profiles of " + name, ex);
        }
    }
}
