package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Both clusters for the length of one benchmark: started together, the read set pre-loaded into both, each
 * workload run in alternating rounds, and everything stopped and deleted at the end (also from the shutdown hook on
 * Ctrl-C).
 */
final class BenchmarkSession implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final BenchmarkSettings settings;

    private final Path workDir;

    private final boolean keepWorkDir;

    private final PrintStream out;

    private final HttpCalls http = new HttpCalls();

    private final SampleCluster sample;

    private final EtcdCluster etcd;

    private boolean closed;

    BenchmarkSession(BenchmarkSettings settings, Path sampleJar, String etcdBinary, Path workDir,
            boolean keepWorkDir, PrintStream out) throws IOException {
        this.settings = settings;
        this.workDir = workDir;
        this.keepWorkDir = keepWorkDir;
        this.out = out;
        Files.createDirectories(workDir);
        out.println("Starting 3 etcd members and 3 sample nodes in " + workDir);
        this.etcd = new EtcdCluster(etcdBinary, workDir);
        this.sample = new SampleCluster(sampleJar, settings.kvJvmOptions(), workDir);
    }

    List<WorkloadResult> runAll() throws Exception {
        try {
            etcd.awaitHealthy(http, START_TIMEOUT);
            sample.awaitLeader(http, START_TIMEOUT);
        }
        catch (RuntimeException ex) {
            throw new IllegalStateException("The clusters did not start: " + ex.getMessage() + logTails(), ex);
        }
        List<BenchmarkTarget> targets = List.of(
                new SampleKvTarget(http, sample.httpUris(), sample.pids()),
                new EtcdGatewayTarget(http, etcd.clientUris(), etcd.pids()));
        if (settings.needsReadSet()) {
            int valueSize = settings.workloads().get(0).valueSize();
            for (BenchmarkTarget target : targets) {
                out.printf("Pre-loading %,d keys into %s%n", settings.readSetSize(), target.name());
                target.preload(settings.readSetSize(), valueSize);
            }
        }
        List<WorkloadResult> results = new ArrayList<>();
        for (Workload workload : settings.workloads()) {
            results.add(run(workload, targets.get(0), targets.get(1)));
        }
        return results;
    }

    private WorkloadResult run(Workload workload, BenchmarkTarget kv, BenchmarkTarget etcdTarget)
            throws InterruptedException {
        String kvSkipped = kv.unsupportedReason(workload);
        String etcdSkipped = etcdTarget.unsupportedReason(workload);
        RunResult kvResult = null;
        RunResult etcdResult = null;
        for (int round = 1; round <= settings.rounds(); round++) {
            if (kvSkipped == null) {
                kvResult = merge(kvResult, runOnce(kv, workload, round));
            }
            if (etcdSkipped == null) {
                etcdResult = merge(etcdResult, runOnce(etcdTarget, workload, round));
            }
        }
        return new WorkloadResult(workload, kvResult, kvSkipped, etcdResult, etcdSkipped);
    }

    private RunResult runOnce(BenchmarkTarget target, Workload workload, int round) throws InterruptedException {
        RunResult result = new ClosedLoopRun(target, workload, settings.readSetSize(), settings.warmUp(),
                settings.run()).run();
        out.printf(Locale.ROOT, "%-14s %-4s round %d: %,9.0f ops/s  p99 %s ms  %s failed%n", workload.name(),
                target.name(), round, result.throughput(), MarkdownReport.millis(result.latencyMillis(99)),
                result.failures());
        return result;
    }

    private static RunResult merge(RunResult sum, RunResult next) {
        return sum == null ? next : sum.merge(next);
    }

    private String logTails() {
        StringBuilder tails = new StringBuilder();
        Stream.concat(etcd.processes().stream(), sample.processes().stream())
            .forEach(process -> tails.append("\n--- the end of ").append(process.name()).append("'s log ---\n")
                .append(process.tail(15)));
        return tails.toString();
    }

    /** Stops every server and deletes the work directory; safe to call twice (the shutdown hook may). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sample.close();
        etcd.close();
        if (keepWorkDir) {
            out.println("Servers stopped; their data and logs are in " + workDir);
            return;
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (IOException | UncheckedIOException ex) {
            out.println("Could not delete " + workDir + " entirely: " + ex.getMessage());
        }
    }
}
