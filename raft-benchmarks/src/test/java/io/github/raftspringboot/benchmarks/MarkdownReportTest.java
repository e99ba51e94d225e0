package io.github.raftspringboot.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownReportTest {

    private static final MachineFacts FACTS = new MachineFacts(2, "23.5 GiB", "OpenJDK 17.0.15", "etcd Version: 3.4.23",
            "abc1234", Instant.parse("2026-12-01T00:00:00Z"), "0.10 0.20 0.30");

    private static final Workload PUT_64 = Workloads.select("put-64", 256).get(0);

    @Test
    void aRowHasBothSystemsAndTheRatiosOfThroughputP99AndCpu() {
        RunResult kv = result(2_000, 10.0, 5.0, 1_000, 4_000);
        RunResult etcd = result(1_000, 10.0, 10.0, 2_000, 8_000);

        String row = MarkdownReport.row(new WorkloadResult(PUT_64, kv, null, etcd, null));

        // 200 vs 100 ops/s; p99 4 ms vs 8 ms; CPU 5 s / 2000 = 2,500 µs vs 10 s / 1000 = 10,000 µs.
        assertThat(row).isEqualTo("| put, 64 clients, 256 B | 200 | 100 | 2.00 | 1.00 / 4.00 / 4.00"
                + " | 2.00 / 8.00 / 8.00 | 0.50 | 2,500 | 10,000 | 0.25 | 0 |");
    }

    @Test
    void aSkippedSystemShowsDashesNoRatiosAndTheReasonInTheNotes() {
        Workload cas = Workloads.select("cas-16", 256).get(0);
        WorkloadResult result = new WorkloadResult(cas, null, "no CAS over HTTP", result(100, 1.0, 0.5, 500, 900),
                null);

        String report = MarkdownReport.render(FACTS, settings(List.of(cas)), SessionNotes.none(),
                List.of(result));

        assertThat(MarkdownReport.row(result)).startsWith("| CAS on one key, 16 clients, 256 B | – | 100 | n/a |")
            .contains("| n/a |");
        assertThat(report).contains("- CAS on one key, 16 clients, 256 B: kv not measured: no CAS over HTTP.")
            .contains("100 % of the 100 compare-and-set attempts won");
    }

    @Test
    void failuresAreCountedInTheRowAndTheReportSaysTheRunIsNotClean() {
        RunResult kv = new RunResult(10, 3, "RequestFailedException: POST /key answered 503", 0, histogram(1_000),
                1.0, 0.1, 0.01, 0.2, 1);
        WorkloadResult result = new WorkloadResult(PUT_64, kv, null, result(10, 1.0, 0.1, 1_000, 1_000), null);

        String report = MarkdownReport.render(FACTS, settings(List.of(PUT_64)), SessionNotes.none(),
                List.of(result));

        assertThat(MarkdownReport.row(result)).endsWith("| **FAILED: kv 3, etcd 0** |");
        assertThat(report).contains("3 failed requests; the first: RequestFailedException: POST /key answered 503")
            .contains("**3 requests failed");
    }

    @Test
    void failedWarmUpRequestsCountAsFailuresOfTheBenchmark() {
        SessionNotes notes = new SessionNotes(List.of("warm-up: kv **2 FAILED**"), 2);

        String report = MarkdownReport.render(FACTS, settings(List.of(PUT_64)), notes, List.of());

        assertThat(report).contains("- warm-up: kv **2 FAILED**").contains("**2 requests failed");
        assertThat(MarkdownReport.failures(notes, List.of())).isEqualTo(2);
    }

    @Test
    void theHeaderNamesTheMachineTheCommitAndMarksAQuickRun() {
        String report = MarkdownReport.render(FACTS, settings(List.of(PUT_64)), SessionNotes.none(), List.of());

        assertThat(report).contains("(quick smoke run)", "commit abc1234", "2 processors, 23.5 GiB memory",
                "load average 0.10 0.20 0.30", "etcd Version: 3.4.23", "1.5 s measured after 0.5 s warm-up",
                "10,000-key read set of 256 B values", "`java -Xmx512m -jar`", "No request failed.");
    }

    @Test
    void ratiosAndMillisecondsAreRoundedForReading() {
        assertThat(MarkdownReport.ratio(3, 2)).isEqualTo("1.50");
        assertThat(MarkdownReport.ratio(1, 0)).isEqualTo("n/a");
        assertThat(MarkdownReport.ratio(0.006, 4.53)).isEqualTo("0.0013");
        assertThat(MarkdownReport.ratio(0, 4)).isEqualTo("0.00");
        assertThat(MarkdownReport.ratio(Double.NaN, 2)).isEqualTo("n/a");
        assertThat(MarkdownReport.millis(0.4123)).isEqualTo("0.412");
        assertThat(MarkdownReport.millis(41.23)).isEqualTo("41.2");
        assertThat(MarkdownReport.millis(412.3)).isEqualTo("412");
    }

    @Test
    void mergedRunsAddRequestsTimeCpuAndLatencies() {
        RunResult merged = result(100, 1.0, 0.2, 1_000, 1_000).merge(result(300, 1.0, 0.2, 3_000, 3_000));

        assertThat(merged.throughput()).isEqualTo(200.0);
        assertThat(merged.cpuMicrosPerRequest()).isEqualTo(1_000.0);
        assertThat(merged.latencyMicros().getTotalCount()).isEqualTo(4);
        assertThat(merged.runs()).isEqualTo(2);
    }

    @Test
    void theApiReportSaysWhatItComparesWhatTheCpuCountsAndTheClientSideCpuOfEachRow() {
        RunResult kv = new RunResult(1_000, 0, null, 0, histogram(1_000), 1.0, 0.5, 0.1, 0.45, 1);
        RunResult etcd = new RunResult(2_000, 0, null, 0, histogram(1_000), 1.0, 0.4, 0.05, 0.3, 1);
        BenchmarkSettings api = new BenchmarkSettings(BenchmarkMode.API, List.of(PUT_64), Duration.ofSeconds(10),
                Duration.ofSeconds(2), 2, 10_000, 256, Duration.ofSeconds(10), List.of("-Xmx512m"), false,
                ApiMemberRole.FOLLOWER);

        String report = MarkdownReport.render(FACTS, api, SessionNotes.none(),
                List.of(new WorkloadResult(PUT_64, kv, null, etcd, null)));

        assertThat(report).startsWith("## In-process store API (kv) vs etcd's Java client (jetcd), side by side\n")
            .doesNotContain("quick smoke run")
            .contains("kv CPU: node2 + node3 + this JVM minus the client threads' own CPU; etcd CPU: the 3 members")
            .contains("sample nodes node2, node3: `java -Xmx512m -jar`; node1: this JVM, made follower")
            // 0.1 s / 1000 requests = 100 µs; 0.3 s / 2000 = 150 µs.
            .contains("- put, 64 clients, 256 B: client-side CPU per request: kv's client threads 100 µs (taken off"
                    + " kv's CPU column); for etcd, this JVM 150 µs (client threads, jetcd, the idle in-process"
                    + " member; not in etcd's CPU column).");
    }

    @Test
    void theHttpReportGivesTheLoadGeneratorsCpuPerRequestAndInCoresForEachSystem() {
        RunResult kv = new RunResult(2_000, 0, null, 0, histogram(1_000), 2.0, 1.0, 0, 0.5, 1);
        RunResult etcd = new RunResult(1_000, 0, null, 0, histogram(1_000), 2.0, 1.0, 0, 0.3, 1);

        String report = MarkdownReport.render(FACTS, settings(List.of(PUT_64)), SessionNotes.none(),
                List.of(new WorkloadResult(PUT_64, kv, null, etcd, null)));

        assertThat(report).startsWith("## Sample HTTP API (kv) vs etcd's JSON gateway, side by side (quick smoke run)")
            .contains("client i talks to member i mod 3")
            .doesNotContain("client-side CPU")
            // 0.5 s / 2000 = 250 µs over 2 s = 0.25 of a core; 0.3 s / 1000 = 300 µs, 0.15 of a core.
            .contains("- put, 64 clients, 256 B: the load generator's CPU per request (this JVM, on the servers'"
                    + " cores, in no CPU column): kv 250 µs (0.25 of a core); etcd 300 µs (0.15 of a core).");
    }

    private static BenchmarkSettings settings(List<Workload> workloads) {
        return new BenchmarkSettings(BenchmarkMode.HTTP, workloads, Duration.ofMillis(1500), Duration.ofMillis(500),
                2, 10_000, 256, Duration.ofSeconds(3), List.of("-Xmx512m"), true, ApiMemberRole.FOLLOWER);
    }

    /** A result whose histogram holds one fast and one slow request (so p50 = fast, p99 = slow). */
    private static RunResult result(long requests, double seconds, double cpuSeconds, long fastMicros,
            long slowMicros) {
        Histogram histogram = histogram(fastMicros);
        histogram.recordValue(slowMicros);
        return new RunResult(requests, 0, null, 0, histogram, seconds, cpuSeconds, 0, 0, 1);
    }

    private static Histogram histogram(long micros) {
        Histogram histogram = RunResult.newHistogram();
        histogram.recordValue(micros);
        return histogram;
    }
}
