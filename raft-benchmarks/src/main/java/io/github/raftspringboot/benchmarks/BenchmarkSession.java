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
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Both clusters for the length of one benchmark: started together, the read set pre-loaded into both, each
 * workload run in alternating rounds, and everything stopped and deleted at the end (also from the shutdown hook on
 * Ctrl-C). In {@link BenchmarkMode#API} node1 of the sample's cluster is a member inside this JVM.
 */
final class BenchmarkSession implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    /** The least JIT warm-up of a full run (the first rounds can be equally slow before a compilation step). */
    private static final Duration MIN_JIT_WARM_UP = Duration.ofSeconds(60);

    private final BenchmarkSettings settings;

    private final Path workDir;

    private final boolean keepWorkDir;

    private final PrintStream out;

    private final HttpCalls http = new HttpCalls();

    private final SampleCluster sample;

    private final EtcdCluster etcd;

    private InProcessMember member;

    private final List<BenchmarkTarget> targets = new ArrayList<>();

    private final List<String> notes = new ArrayList<>();

    private final RowCompilers kvCompilers = new RowCompilers();

    private KvRunProfiles profiles;

    private long warmUpFailures;

    private boolean closed;

    BenchmarkSession(BenchmarkSettings settings, Path sampleJar, String etcdBinary, Path workDir,
            boolean keepWorkDir, PrintStream out) throws IOException {
        this.settings = settings;
        this.workDir = workDir;
        this.keepWorkDir = keepWorkDir;
        this.out = out;
        Files.createDirectories(workDir);
        boolean api = settings.mode() == BenchmarkMode.API;
        out.println("Starting 3 etcd members and " + (api ? "2 sample nodes (node1 is in this JVM)" : "3 sample nodes")
                + " in " + workDir);
        this.etcd = new EtcdCluster(etcdBinary, workDir);
        try {
            this.sample = new SampleCluster(sampleJar, settings.kvJvmOptions(), workDir, api ? 1 : 0);
        }
        catch (RuntimeException ex) {
            etcd.close();
            throw ex;
        }
    }

    List<WorkloadResult> runAll() throws Exception {
        try {
            if (settings.mode() == BenchmarkMode.API) {
                startMember();
            }
            etcd.awaitHealthy(http, START_TIMEOUT);
            sample.awaitLeader(http, START_TIMEOUT);
            if (member != null) {
                member.awaitLeader(START_TIMEOUT);
                // Both clients talk to one member (node1; etcd1), in the same role on both.
                notes.add("Before the first row: kv: " + member.place(settings.apiMemberRole(), START_TIMEOUT)
                        + "; etcd: " + etcd.placeFirstMember(http, settings.apiMemberRole(), START_TIMEOUT) + ".");
            }
        }
        catch (RuntimeException ex) {
            if (isClosed()) {
                throw new IllegalStateException("Stopped (SIGTERM or Ctrl-C) while the clusters were starting", ex);
            }
            List<ServerProcess> servers = Stream.concat(etcd.processes().stream(), sample.processes().stream())
                .toList();
            Path memberLog = (settings.mode() == BenchmarkMode.API) ? workDir.resolve("kv-node1.log") : null;
            throw new IllegalStateException("The clusters did not start: "
                    + StartFailure.describe(ex, servers, memberLog), ex);
        }
        if (member != null) {
            targets.add(new StoreApiTarget(member.store(), sample.pids()));
            targets.add(new JetcdTarget(http, etcd.clientUris(), etcd.pids()));
        }
        else {
            targets.add(new SampleKvTarget(http, sample.httpUris(), sample.pids()));
            targets.add(new EtcdGatewayTarget(http, etcd.clientUris(), etcd.pids()));
        }
        int valueSize = settings.valueSize();
        for (BenchmarkTarget target : targets) {
            out.printf("Pre-loading %,d keys into %s%n", settings.readSetSize(), target.name());
            target.preload(settings.readSetSize(), valueSize);
        }
        String placed = placeFirstMembers();
        jitWarmUp(targets);
        notes.add(IdleCpu.note(targets, settings.warmUp().plus(settings.run())));
        if (member == null) {
            String after = placeFirstMembers();
            notes.add("Before the JIT warm-up: " + placed + "." + (after.contains("moved")
                    ? " **The leaders moved during the warm-up**; after it: " + after + "." : ""));
        }
        String leadersBefore = leaders();
        List<WorkloadResult> results = new ArrayList<>();
        for (Workload workload : settings.workloads()) {
            results.add(run(workload, targets.get(0), targets.get(1)));
        }
        String leadersAfter = leaders();
        notes.add("Leaders: " + leadersBefore + " before the first row, "
                + (leadersAfter.equals(leadersBefore) ? "the same" : "**" + leadersAfter + "**") + " after the last.");
        return results;
    }

    /**
     * Gives node1 and etcd1 the role the rows' single client needs: one client talks to node1 and to etcd1, which
     * must have the same role in both, or one of them skips the forwarding hop. Done before the JIT warm-up as well
     * as after it: a leadership moved after the warm-up left the rows a leader whose JIT had compiled a follower's
     * paths only (the first row's compilers at 24-71 % of a core in the runs of 4 December that moved it, at 1-28 %
     * in those that did not). The in-process member is placed at its start. Returns what was done; nothing in API mode.
     */
    private String placeFirstMembers() throws Exception {
        if (member != null) {
            return "";
        }
        return "kv: " + sample.placeFirstMember(http, settings.apiMemberRole(), START_TIMEOUT) + "; etcd: "
                + etcd.placeFirstMember(http, settings.apiMemberRole(), START_TIMEOUT);
    }

    /** Starts node1 in this JVM; it joins the sample's two node processes, which start meanwhile. */
    private synchronized void startMember() {
        if (closed) {
            throw new IllegalStateException("Stopped before the in-process member started");
        }
        out.println("Starting the in-process member node1 (its log: " + workDir.resolve("kv-node1.log") + ")");
        member = InProcessMember.start("node1", sample, workDir);
    }

    /** Notes on the warm-up and the leaders, and the warm-up's failed requests. */
    SessionNotes notes() {
        if (profiles != null) {
            profiles.note().ifPresent(notes::add);
        }
        List<String> all = new ArrayList<>(notes);
        kvCompilers.note().ifPresent(all::add);
        return new SessionNotes(all, warmUpFailures);
    }

    /** Unmeasured load on both systems first: otherwise the first rows measure the sample's JIT compiler. */
    private void jitWarmUp(List<BenchmarkTarget> targets) throws InterruptedException {
        if (settings.jitWarmUp().isZero()) {
            notes.add("No JIT warm-up: the first rows include the sample's JIT compilation.");
            return;
        }
        Duration slice = settings.quick() ? Duration.ofMillis(500) : Duration.ofSeconds(5);
        Duration minimum = settings.quick() ? Duration.ZERO
                : (settings.jitWarmUp().compareTo(MIN_JIT_WARM_UP) < 0) ? settings.jitWarmUp() : MIN_JIT_WARM_UP;
        JitWarmUp warmUp = new JitWarmUp(settings.workloads(), slice, minimum, settings.jitWarmUp(),
                settings.readSetSize(), out);
        List<String> summaries = new ArrayList<>();
        for (BenchmarkTarget target : targets) {
            out.printf("JIT warm-up of %s: rounds of %d runs of %.1f s, at most %d s%n", target.name(),
                    JitWarmUp.kinds(settings.workloads()).size(), slice.toMillis() / 1000.0,
                    settings.jitWarmUp().toSeconds());
            JitWarmUp.Outcome outcome = warmUp.run(target);
            warmUpFailures += outcome.failures();
            summaries.add(outcome.summary());
        }
        notes.add(String.format(Locale.ROOT, "Before the first row each system had unmeasured load (JIT warm-up): "
                + "rounds of one %.1f s run per kind of operation, value size and number of clients of the rows, "
                + "for at least %d s and then until two rounds were no more than %.0f %% faster than the two before "
                + "and the JIT compilers used at most %.0f %% of a core, at most %d s: %s.", slice.toMillis() / 1000.0,
                minimum.toSeconds(), (JitWarmUp.STILL_RISING - 1) * 100, JitWarmUp.COMPILERS_QUIET * 100,
                settings.jitWarmUp().toSeconds(), String.join("; ", summaries)));
    }

    private String leaders() {
        Callable<String> kvLeader = member != null ? member::leader : () -> sample.leader(http);
        return "kv " + orUnknown(kvLeader) + ", etcd " + orUnknown(() -> etcd.leader(http));
    }

    private static String orUnknown(Callable<String> leader) {
        try {
            return leader.call();
        }
        catch (Exception ex) {
            return "unknown (" + ex.getMessage() + ")";
        }
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

    /** Profiles the sample's nodes during each of their measured runs ({@code --profile-dir}). */
    void profileInto(ServerProfiler profiler) {
        this.profiles = new KvRunProfiles(profiler, out);
    }

    private RunResult runOnce(BenchmarkTarget target, Workload workload, int round) throws InterruptedException {
        ClosedLoopRun.Window window = ClosedLoopRun.Window.NONE;
        if (profiles != null && target.name().equals("kv")) {
            window = profiles.window(target, workload.name() + "-round" + round);
        }
        RowCompilers.Reading compilerReading = RowCompilers.reading(target.serverPids());
        RunResult result = new ClosedLoopRun(target, workload, settings.readSetSize(), settings.warmUp(),
                settings.run(), window).run();
        double compilers = compilerReading.cores();
        if (target.name().equals("kv")) {
            kvCompilers.record(workload.name(), compilers);
        }
        out.printf(Locale.ROOT, "%-14s %-4s round %d: %,9.0f ops/s  p99 %s ms  %s failed  JIT compilers %.0f %% of a "
                + "core%n", workload.name(), target.name(), round, result.throughput(),
                MarkdownReport.millis(result.latencyMillis(99)), result.failures(), 100 * compilers);
        return result;
    }

    private static RunResult merge(RunResult sum, RunResult next) {
        return sum == null ? next : sum.merge(next);
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Stops every server and deletes the work directory; safe to call twice (the shutdown hook may). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        targets.forEach(target -> {
            try {
                target.close();
            }
            catch (RuntimeException ex) {
                out.println("Could not close the " + target.name() + " client: " + ex.getMessage());
            }
        });
        if (member != null) {
            try {
                member.close();
            }
            catch (RuntimeException ex) {
                out.println("Could not stop the in-process member: " + ex.getMessage());
            }
        }
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
