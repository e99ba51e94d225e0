package io.github.raftspringboot.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The servers' CPU use with no load at all (heartbeats, timers, GC): part of every row's CPU per request, and a large
 * part when a row's throughput is low, so the report states it.
 */
final class IdleCpu {

    private IdleCpu() {
    }

    /** Waits {@code window} with no load and returns the report's note on what each target's servers used. */
    static String note(List<BenchmarkTarget> targets, Duration window) throws InterruptedException {
        double[] before = targets.stream().mapToDouble(target -> ProcessCpu.seconds(target.serverPids())).toArray();
        Thread.sleep(window.toMillis());
        List<String> shares = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            double used = ProcessCpu.seconds(targets.get(i).serverPids()) - before[i];
            shares.add(String.format(Locale.ROOT, "%s %.0f %%", targets.get(i).name(),
                    100 * used / (window.toMillis() / 1000.0)));
        }
        return String.format(Locale.ROOT, "CPU of each system's servers (as the CPU columns count them) with no load, "
                + "over %.1f s (in %% of one core; included in every row's CPU per request): %s.",
                window.toMillis() / 1000.0, String.join(", ", shares));
    }
}
