package io.github.raftspringboot.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report: machine facts, settings, one table row per workload with the kv/etcd ratios, then notes (in the API
 * mode, with each row's CPU used on the client side).
 */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(MachineFacts facts, BenchmarkSettings settings, SessionNotes sessionNotes,
            List<WorkloadResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("## ").append(settings.mode().title()).append(settings.quick() ? " (quick smoke run)" : "")
            .append("\n\n");
        if (settings.quick()) {
            out.append("**Quick smoke run:** short runs that show the harness works; not figures to compare.\n\n");
        }
        out.append("- date ").append(facts.date()).append(", commit ").append(facts.commit()).append('\n');
        out.append("- ").append(facts.processors()).append(" processors, ").append(facts.memory())
            .append(" memory, load average ").append(facts.loadAverage()).append(" (1/5/15 min, at the start)\n");
        out.append("- ").append(settings.mode().setUp()).append('\n');
        out.append("- ").append(facts.jdk()).append("; ").append(facts.etcdVersion()).append('\n');
        out.append("- ").append(seconds(settings.run().toMillis())).append(" s measured after ")
            .append(seconds(settings.warmUp().toMillis())).append(" s warm-up per run, ").append(settings.rounds())
            .append(settings.rounds() == 1 ? " run" : " alternating runs").append(" per system and workload; ")
            .append(String.format(Locale.ROOT, "%,d", settings.readSetSize())).append("-key read set of ")
            .append(Sizes.format(settings.valueSize())).append(" values; sample nodes")
            .append(settings.mode() == BenchmarkMode.API ? " node2, node3" : "").append(": `java ")
            .append(String.join(" ", settings.kvJvmOptions())).append(" -jar`")
            .append(settings.mode() == BenchmarkMode.API
                    ? "; node1: this JVM, made " + settings.apiMemberRole().name().toLowerCase(Locale.ROOT)
                            + " before the first row"
                    : "")
            .append("\n\n");
        out.append("| workload | kv ops/s | etcd ops/s | kv/etcd ops/s | kv p50 / p99 / p99.9 ms"
                + " | etcd p50 / p99 / p99.9 ms | kv/etcd p99 | kv CPU µs/op | etcd CPU µs/op | kv/etcd CPU"
                + " | failed requests |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<String> notes = new ArrayList<>(sessionNotes.lines());
        for (WorkloadResult result : results) {
            out.append(row(result)).append('\n');
            notes.addAll(notes(result));
            (settings.mode() == BenchmarkMode.API ? clientCpuNote(result) : loadGeneratorCpuNote(result))
                .ifPresent(notes::add);
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(note -> out.append("- ").append(note).append('\n'));
        }
        long failures = failures(sessionNotes, results);
        out.append('\n').append(failures == 0 ? "No request failed."
                : "**" + failures + " requests failed: the rows marked FAILED (and a failed warm-up) are not clean"
                        + " measurements.**")
            .append('\n');
        return out.toString();
    }

    /** Every failed request of the session: the rows' and the warm-up's. */
    static long failures(SessionNotes sessionNotes, List<WorkloadResult> results) {
        return sessionNotes.failures() + results.stream().mapToLong(WorkloadResult::failures).sum();
    }

    static String row(WorkloadResult result) {
        RunResult kv = result.kv();
        RunResult etcd = result.etcd();
        return "| " + result.workload().label() + " | " + throughput(kv) + " | " + throughput(etcd) + " | "
                + ratio(kv == null ? Double.NaN : kv.throughput(), etcd == null ? Double.NaN : etcd.throughput())
                + " | " + latencies(kv) + " | " + latencies(etcd) + " | "
                + ratio(p99(kv), p99(etcd)) + " | " + cpu(kv) + " | " + cpu(etcd) + " | "
                + ratio(kv == null ? Double.NaN : kv.cpuMicrosPerRequest(),
                        etcd == null ? Double.NaN : etcd.cpuMicrosPerRequest())
                + " | " + failures(result) + " |";
    }

    /**
     * {@code a / b} with two decimals (two significant digits below 0.1, so that a small ratio does not read 0.00),
     * or {@code n/a} when either side is missing or b is zero.
     */
    static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "n/a";
        }
        double ratio = a / b;
        return String.format(Locale.ROOT, ratio > 0 && ratio < 0.1 ? "%.2g" : "%.2f", ratio);
    }

    /** Milliseconds with three significant digits at most: {@code 0.412}, {@code 4.12}, {@code 41.2}, {@code 412}. */
    static String millis(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        if (value < 1) {
            return String.format(Locale.ROOT, "%.3f", value);
        }
        if (value < 10) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return value < 100 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.0f", value);
    }

    private static String throughput(RunResult result) {
        return result == null ? "–" : String.format(Locale.ROOT, "%,.0f", result.throughput());
    }

    private static String latencies(RunResult result) {
        if (result == null) {
            return "–";
        }
        return millis(result.latencyMillis(50)) + " / " + millis(result.latencyMillis(99)) + " / "
                + millis(result.latencyMillis(99.9));
    }

    private static double p99(RunResult result) {
        return result == null ? Double.NaN : result.latencyMillis(99);
    }

    private static String cpu(RunResult result) {
        if (result == null || Double.isNaN(result.cpuMicrosPerRequest())) {
            return "–";
        }
        return String.format(Locale.ROOT, "%,.0f", result.cpuMicrosPerRequest());
    }

    private static String failures(WorkloadResult result) {
        if (result.failures() == 0) {
            return "0";
        }
        return "**FAILED: kv " + (result.kv() == null ? 0 : result.kv().failures()) + ", etcd "
                + (result.etcd() == null ? 0 : result.etcd().failures()) + "**";
    }

    private static List<String> notes(WorkloadResult result) {
        List<String> notes = new ArrayList<>();
        String label = result.workload().label();
        if (result.kvSkipped() != null) {
            notes.add(label + ": kv not measured: " + result.kvSkipped() + ".");
        }
        if (result.etcdSkipped() != null) {
            notes.add(label + ": etcd not measured: " + result.etcdSkipped() + ".");
        }
        for (RunResult run : new RunResult[] { result.kv(), result.etcd() }) {
            if (run == null) {
                continue;
            }
            String system = run == result.kv() ? "kv" : "etcd";
            if (result.workload().kind() == Workload.Kind.CAS && run.requests() > 0) {
                notes.add(String.format(Locale.ROOT, "%s: %s: %.0f %% of the %,d compare-and-set attempts won"
                        + " (the others lost to another client; not failures).", label, system,
                        100.0 * (run.requests() - run.lostRaces()) / run.requests(), run.requests()));
            }
            if (run.failures() > 0) {
                notes.add(label + ": " + system + ": " + run.failures() + " failed requests; the first: "
                        + run.firstFailure());
            }
        }
        return notes;
    }

    /**
     * What the client side used per request, which the CPU columns leave out: kv's client threads (taken off this
     * JVM's CPU), and for etcd this whole JVM (the client threads, jetcd's threads, the idle in-process member).
     */
    static Optional<String> clientCpuNote(WorkloadResult result) {
        RunResult kv = result.kv();
        RunResult etcd = result.etcd();
        if (kv == null && etcd == null) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        if (kv != null) {
            parts.add("kv's client threads " + micros(kv.clientThreadCpuMicrosPerRequest())
                    + " (taken off kv's CPU column)");
        }
        if (etcd != null) {
            parts.add("for etcd, this JVM " + micros(etcd.loadGeneratorCpuMicrosPerRequest())
                    + " (client threads, jetcd, the idle in-process member; not in etcd's CPU column)");
        }
        return Optional.of(result.workload().label() + ": client-side CPU per request: "
                + String.join("; ", parts) + ".");
    }

    /**
     * HTTP mode: what this JVM (the clients and the JDK's {@code HttpClient}) used per request and in cores, for each
     * system. It runs on the servers' cores, so on a small machine it takes CPU from both systems and pulls every
     * throughput ratio towards 1: readers need it to weigh a ratio.
     */
    static Optional<String> loadGeneratorCpuNote(WorkloadResult result) {
        List<String> parts = new ArrayList<>();
        loadGeneratorPart("kv", result.kv()).ifPresent(parts::add);
        loadGeneratorPart("etcd", result.etcd()).ifPresent(parts::add);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(result.workload().label() + ": the load generator's CPU per request (this JVM, on the"
                + " servers' cores, in no CPU column): " + String.join("; ", parts) + ".");
    }

    private static Optional<String> loadGeneratorPart(String system, RunResult run) {
        if (run == null || run.requests() == 0 || run.seconds() <= 0) {
            return Optional.empty();
        }
        return Optional.of(system + " " + micros(run.loadGeneratorCpuMicrosPerRequest())
                + String.format(Locale.ROOT, " (%.2f of a core)", run.loadGeneratorCpuSeconds() / run.seconds()));
    }

    private static String micros(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.0f µs", value);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000)
                : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }
}
