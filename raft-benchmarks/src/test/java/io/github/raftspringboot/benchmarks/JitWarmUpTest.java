package io.github.raftspringboot.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class JitWarmUpTest {

    /** The test JVM's own compilers may be busy: the fake systems' compilers are always idle unless a test says. */
    private static final Function<List<Long>, Map<Long, Long>> QUIET_COMPILERS = pids -> Map.of();

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void oneWarmUpRunPerKindOfOperationValueSizeAndNumberOfClientsOfTheRows() {
        List<Workload> rows = List.of(new Workload("put-1", Workload.Kind.PUT, 1, 256),
                new Workload("put-16", Workload.Kind.PUT, 16, 256),
                new Workload("put-64", Workload.Kind.PUT, 64, 256),
                new Workload("get-lin-1", Workload.Kind.GET_LINEARIZABLE, 1, 256),
                new Workload("get-lin-64", Workload.Kind.GET_LINEARIZABLE, 64, 256),
                new Workload("put-16-1KB", Workload.Kind.PUT, 16, 1024));

        assertThat(JitWarmUp.kinds(rows)).extracting(Workload::kind, Workload::clients, Workload::valueSize)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(Workload.Kind.PUT, 1, 256),
                    org.assertj.core.groups.Tuple.tuple(Workload.Kind.PUT, 16, 256),
                    org.assertj.core.groups.Tuple.tuple(Workload.Kind.PUT, 64, 256),
                    org.assertj.core.groups.Tuple.tuple(Workload.Kind.GET_LINEARIZABLE, 1, 256),
                    org.assertj.core.groups.Tuple.tuple(Workload.Kind.GET_LINEARIZABLE, 64, 256),
                    org.assertj.core.groups.Tuple.tuple(Workload.Kind.PUT, 16, 1024));
    }

    @Test
    void theRiseIsTheGeometricMeanOfTheKindsRatios() {
        assertThat(JitWarmUp.rise(new double[] { 100, 100 }, new double[] { 400, 100 })).isCloseTo(2.0,
                within(1e-9));
        assertThat(JitWarmUp.rise(new double[] { 100 }, new double[] { 104 })).isLessThan(JitWarmUp.STILL_RISING);
    }

    @Test
    void aDipWhileStillGettingFasterDoesNotEndTheWarmUp() {
        // The sample's puts and 90/10 in a run of 2026-12-02: one round compared with the one before (0.90 and 1.01)
        // called it warm; its rows then ran 40 % faster in their second run.
        List<double[]> rising = List.of(new double[] { 575, 1022 }, new double[] { 601, 1207 },
                new double[] { 743, 1202 }, new double[] { 671, 1210 });
        assertThat(JitWarmUp.rise(rising.get(2), rising.get(3))).isLessThan(JitWarmUp.STILL_RISING);
        assertThat(JitWarmUp.settled(rising)).isFalse();
        List<double[]> flat = List.of(new double[] { 1600, 3000 }, new double[] { 1650, 2950 },
                new double[] { 1580, 3050 }, new double[] { 1640, 3010 });
        assertThat(JitWarmUp.settled(flat)).isTrue();
        assertThat(JitWarmUp.settled(flat.subList(0, 3))).as("fewer than four rounds").isFalse();
    }

    @Test
    void aSystemThatGetsFasterIsWarmedUpUntilItStopsGettingFaster() throws InterruptedException {
        // 4 ms a request for the first 0.6 s, then 1 ms: rounds of 2 × 100 ms are slow three times (a flat start
        // that the minimum time sees through), then fast.
        long start = System.nanoTime();
        BenchmarkTarget target = target(elapsedNanos -> (elapsedNanos < 600_000_000L) ? 4_000_000 : 1_000_000, start);
        JitWarmUp warmUp = new JitWarmUp(rows(), Duration.ofMillis(100), Duration.ofMillis(700),
                Duration.ofSeconds(20), 10, out, QUIET_COMPILERS);

        JitWarmUp.Outcome outcome = warmUp.run(target);

        assertThat(outcome.stable()).isTrue();
        assertThat(outcome.rounds()).hasSizeGreaterThanOrEqualTo(5);
        double[] first = outcome.rounds().get(0);
        double[] last = outcome.rounds().get(outcome.rounds().size() - 1);
        // 4 times faster in theory; a loaded machine adds its own delay to every request alike (1.84 seen).
        assertThat(JitWarmUp.rise(first, last)).as("last round against the first").isGreaterThan(1.5);
        assertThat(outcome.spent()).as("past the slow phase").isGreaterThan(Duration.ofMillis(600));
        assertThat(outcome.summary()).startsWith("fake " + outcome.rounds().size() + " rounds in ")
            .contains(", stable (the last two ")
            .endsWith("no failure");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Warm-up round 1 of fake: put 16 B ");
    }

    @Test
    void aSystemStillGettingFasterWhenTheTimeIsUpIsReportedSo() throws InterruptedException {
        // Twice as fast every 200 ms, the length of a round.
        long start = System.nanoTime();
        BenchmarkTarget target = target(elapsedNanos -> (long) (8_000_000 / Math.pow(2, elapsedNanos / 200e6)), start);
        JitWarmUp warmUp = new JitWarmUp(rows(), Duration.ofMillis(100), Duration.ZERO, Duration.ofMillis(500), 10,
                out, QUIET_COMPILERS);

        JitWarmUp.Outcome outcome = warmUp.run(target);

        assertThat(outcome.stable()).isFalse();
        assertThat(outcome.rounds()).hasSizeBetween(2, 4);
        assertThat(outcome.summary()).contains("still getting faster when the time allowed ran out");
    }

    @Test
    void flatRoundsWhileTheCompilersAreBusyDoNotEndTheWarmUp() throws InterruptedException {
        // A flat system whose compiler thread uses a whole core until 0.8 s, then nothing.
        long start = System.nanoTime();
        BenchmarkTarget target = target(elapsedNanos -> 1_000_000, start);
        Function<List<Long>, Map<Long, Long>> compilers = pids -> {
            double busySeconds = Math.min(System.nanoTime() - start, 800_000_000L) / 1e9;
            return Map.of(7L, (long) (busySeconds * ProcessCpu.TICKS_PER_SECOND));
        };
        JitWarmUp warmUp = new JitWarmUp(rows(), Duration.ofMillis(100), Duration.ZERO, Duration.ofSeconds(20), 10,
                out, compilers);

        JitWarmUp.Outcome outcome = warmUp.run(target);

        assertThat(outcome.stable()).isTrue();
        assertThat(outcome.spent()).as("not over before the compiler fell quiet")
            .isGreaterThanOrEqualTo(Duration.ofMillis(800));
        assertThat(outcome.compilers()).isLessThanOrEqualTo(JitWarmUp.COMPILERS_QUIET);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Warm-up round 1 of fake: ")
            .containsPattern("Warm-up round 1 of fake: .*; JIT compilers (9\\d|10\\d) % of a core");
    }

    private static List<Workload> rows() {
        return List.of(new Workload("put-1", Workload.Kind.PUT, 1, 16),
                new Workload("get-local-1", Workload.Kind.GET_LOCAL, 1, 16));
    }

    /** A system whose requests take {@code latency} of the time since {@code start}, in nanoseconds. */
    private static BenchmarkTarget target(LongUnaryOperator latency, long start) {
        return FakeTarget.of(() -> {
            LockSupport.parkNanos(latency.applyAsLong(System.nanoTime() - start));
            return true;
        }, false);
    }
}
