package io.github.raftspringboot.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Unmeasured load on a system before the first row, until it stops getting faster: rounds of one short run of each
 * kind of operation the rows use (16 clients each), for at least a minimum time (the JIT compiles in steps: two
 * equally slow rounds early on do not mean it is done) and then until a round is on the whole no more than 5 %
 * faster than the round before (the geometric mean of the kinds' throughput ratios), or the time allowed is spent.
 * One run of 90/10 load used to leave the write path cold: whichever put row came first was the slowest.
 */
final class JitWarmUp {

    /** A round at most this much faster than the one before (geometric mean over the kinds) ends the warm-up. */
    static final double STILL_RISING = 1.05;

    private static final int CLIENTS = 16;

    private final List<Workload> kinds;

    private final Duration slice;

    private final Duration minimum;

    private final Duration limit;

    private final int readSetSize;

    private final PrintStream out;

    /**
     * @param rows  the session's rows: one warm-up run per kind of operation and value size among them
     * @param slice   the length of one run
     * @param minimum the least time the warm-up of one system takes, however flat its rounds
     * @param limit   the most time it may take (a round started is finished)
     */
    JitWarmUp(List<Workload> rows, Duration slice, Duration minimum, Duration limit, int readSetSize,
            PrintStream out) {
        this.kinds = kinds(rows);
        this.slice = slice;
        this.minimum = minimum;
        this.limit = limit;
        this.readSetSize = readSetSize;
        this.out = out;
    }

    /** One warm-up workload, with 16 clients, per kind of operation and value size of {@code rows}, in order. */
    static List<Workload> kinds(List<Workload> rows) {
        Set<Workload> kinds = new LinkedHashSet<>();
        for (Workload row : rows) {
            kinds.add(new Workload("warm-up", row.kind(), CLIENTS, row.valueSize()));
        }
        return List.copyOf(kinds);
    }

    /** Warms {@code target} up and says how it went. */
    Outcome run(BenchmarkTarget target) throws InterruptedException {
        long start = System.nanoTime();
        List<double[]> rounds = new ArrayList<>();
        long failures = 0;
        String firstFailure = null;
        while (true) {
            double[] throughput = new double[kinds.size()];
            for (int i = 0; i < kinds.size(); i++) {
                RunResult result = new ClosedLoopRun(target, kinds.get(i), readSetSize, Duration.ZERO, slice).run();
                throughput[i] = result.throughput();
                failures += result.failures();
                if (firstFailure == null && result.failures() > 0) {
                    firstFailure = result.firstFailure();
                }
            }
            rounds.add(throughput);
            out.printf(Locale.ROOT, "Warm-up round %d of %s: %s%n", rounds.size(), target.name(),
                    describe(throughput));
            Duration spent = Duration.ofNanos(System.nanoTime() - start);
            boolean stable = rounds.size() >= 2 && rise(rounds.get(rounds.size() - 2), throughput) <= STILL_RISING;
            if ((stable && spent.compareTo(minimum) >= 0) || spent.compareTo(limit) >= 0) {
                return new Outcome(target.name(), rounds, stable, spent, failures, firstFailure);
            }
        }
    }

    /** The geometric mean of {@code later[i] / earlier[i]}: how much faster a round was than the one before. */
    static double rise(double[] earlier, double[] later) {
        double logSum = 0;
        for (int i = 0; i < earlier.length; i++) {
            logSum += Math.log(Math.max(later[i], 1e-9) / Math.max(earlier[i], 1e-9));
        }
        return Math.exp(logSum / earlier.length);
    }

    private String describe(double[] throughput) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            Workload kind = kinds.get(i);
            parts.add(String.format(Locale.ROOT, "%s %s %,.0f/s", kind.kind().description(),
                    Sizes.format(kind.valueSize()), throughput[i]));
        }
        return String.join(", ", parts);
    }

    /**
     * How one system's warm-up went.
     *
     * @param rounds each round's throughput per kind, in the order of {@link #kinds}
     * @param stable whether the last round was no more than {@link #STILL_RISING} times as fast as the one before
     */
    record Outcome(String target, List<double[]> rounds, boolean stable, Duration spent, long failures,
            String firstFailure) {

        /** The report's sentence, e.g. {@code kv: 3 rounds in 78 s, stable (the last 1.02 × the one before)}. */
        String summary() {
            String trend = (rounds.size() < 2) ? "one round only"
                    : String.format(Locale.ROOT, "%s (the last %.2f × the one before)",
                            stable ? "stable" : "**still getting faster when the time allowed ran out**",
                            rise(rounds.get(rounds.size() - 2), rounds.get(rounds.size() - 1)));
            return String.format(Locale.ROOT, "%s %d round%s in %.0f s, %s, %s", target, rounds.size(),
                    rounds.size() == 1 ? "" : "s", spent.toMillis() / 1000.0, trend,
                    failures == 0 ? "no failure" : "**" + failures + " FAILED** (the first: " + firstFailure + ")");
        }
    }
}
