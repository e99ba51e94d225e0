package io.github.raftspringboot.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Unmeasured load on a system before the first row, until it stops getting faster: rounds of one short run of each kind
 * of operation, value size and number of clients the rows use, for at least a minimum time (the JIT compiles in steps:
 * two equally slow rounds early on do not mean it is done) and then until its last two rounds are on the whole no more
 * than 5 % faster than the two before (the geometric mean of the kinds' throughput ratios), or the time allowed is
 * spent. One run of 90/10 load used to leave the write path cold: whichever put row came first was the slowest. A
 * single round compared with the one before used to end it at the first dip of a system still getting faster (rounds of
 * 10 s are noisy): a sample that served 575, 601, 743, then 671 puts a second was taken as warm, and its rows then ran
 * 40 % faster in their second run than in their first. Flat rounds are not enough either: the servers' JIT compiler
 * threads must also have used at most {@link #COMPILERS_QUIET} of a core in the last round. Runs with 16 clients only
 * were not enough: with 64 the sample takes other paths (contended locks, fuller batches, more connections per poller),
 * its compilers recompiled them (hundreds of methods, 40 % of them deoptimized first) and used a third of the nodes'
 * CPU in the first measured run, which was 13-56 % slower than the second. Likewise a single client (the paths of a
 * server that waits for each request): warmed up with 16 clients, the sample's compilers used a quarter of a core in
 * its first single-client run.
 */
final class JitWarmUp {

    /**
     * Two rounds at most this much faster than the two before (geometric mean over the kinds) end the warm-up.
     */
    static final double STILL_RISING = 1.05;

    /**
     * The most CPU the servers' JIT compilers may use in the last round, in cores summed over the processes, for the
     * warm-up to end: flat rounds with busy compilers are not warm (see {@link CompilerCpu}).
     */
    static final double COMPILERS_QUIET = 0.10;

    /** Rounds compared at a time: the last this many against the this many before. */
    static final int WINDOW = 2;

    private final List<Workload> kinds;

    private final Duration slice;

    private final Duration minimum;

    private final Duration limit;

    private final int readSetSize;

    private final PrintStream out;

    private final Function<List<Long>, Map<Long, Long>> compilerTicks;

    JitWarmUp(List<Workload> rows, Duration slice, Duration minimum, Duration limit, int readSetSize,
            PrintStream out) {
        this(rows, slice, minimum, limit, readSetSize, out, CompilerCpu::ticksByThread);
    }

    /**
     * @param rows  the session's rows: one warm-up run per kind of operation and value size among them
     * @param slice   the length of one run
     * @param minimum the least time the warm-up of one system takes, however flat its rounds
     * @param limit   the most time it may take (a round started is finished)
     * @param compilerTicks the CPU ticks of each JIT compiler thread of the given processes (see {@link CompilerCpu})
     */
    JitWarmUp(List<Workload> rows, Duration slice, Duration minimum, Duration limit, int readSetSize,
            PrintStream out, Function<List<Long>, Map<Long, Long>> compilerTicks) {
        this.compilerTicks = compilerTicks;
        this.kinds = kinds(rows);
        this.slice = slice;
        this.minimum = minimum;
        this.limit = limit;
        this.readSetSize = readSetSize;
        this.out = out;
    }

    /** One warm-up workload per kind of operation, value size and number of clients of {@code rows}, in order. */
    static List<Workload> kinds(List<Workload> rows) {
        Set<Workload> kinds = new LinkedHashSet<>();
        for (Workload row : rows) {
            kinds.add(new Workload("warm-up", row.kind(), row.clients(), row.valueSize()));
        }
        return List.copyOf(kinds);
    }

    /** Warms {@code target} up and says how it went. */
    Outcome run(BenchmarkTarget target) throws InterruptedException {
        long start = System.nanoTime();
        List<double[]> rounds = new ArrayList<>();
        long failures = 0;
        String firstFailure = null;
        double compilers;
        while (true) {
            long roundStart = System.nanoTime();
            Map<Long, Long> compiledBefore = compilerTicks.apply(target.serverPids());
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
            compilers = CompilerCpu.secondsBetween(compiledBefore, compilerTicks.apply(target.serverPids()))
                    / ((System.nanoTime() - roundStart) / 1e9);
            out.printf(Locale.ROOT, "Warm-up round %d of %s: %s; JIT compilers %.0f %% of a core%n", rounds.size(),
                    target.name(), describe(throughput), 100 * compilers);
            Duration spent = Duration.ofNanos(System.nanoTime() - start);
            boolean stable = settled(rounds) && compilers <= COMPILERS_QUIET;
            if ((stable && spent.compareTo(minimum) >= 0) || spent.compareTo(limit) >= 0) {
                return new Outcome(target.name(), rounds, stable, spent, failures, firstFailure, compilers);
            }
        }
    }

    /** Whether the last {@link #WINDOW} rounds are no more than {@link #STILL_RISING} times as fast as those before. */
    static boolean settled(List<double[]> rounds) {
        return rounds.size() >= 2 * WINDOW && lastRise(rounds) <= STILL_RISING;
    }

    /** How much faster the last {@link #WINDOW} rounds were than the {@link #WINDOW} before, per kind summed. */
    static double lastRise(List<double[]> rounds) {
        int n = rounds.size();
        return rise(sum(rounds.subList(n - 2 * WINDOW, n - WINDOW)), sum(rounds.subList(n - WINDOW, n)));
    }

    private static double[] sum(List<double[]> rounds) {
        double[] total = new double[rounds.get(0).length];
        for (double[] round : rounds) {
            for (int i = 0; i < total.length; i++) {
                total[i] += round[i];
            }
        }
        return total;
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
            parts.add(String.format(Locale.ROOT, "%s %s ×%d %,.0f/s", kind.kind().description(),
                    Sizes.format(kind.valueSize()), kind.clients(), throughput[i]));
        }
        return String.join(", ", parts);
    }

    /**
     * How one system's warm-up went.
     *
     * @param rounds each round's throughput per kind, in the order of {@link #kinds}
     * @param stable whether the last two rounds were no more than {@link #STILL_RISING} times as fast as the two
     *               before, with the JIT compilers quiet in the last
     * @param compilers the CPU of the servers' JIT compilers in the last round, in cores
     */
    record Outcome(String target, List<double[]> rounds, boolean stable, Duration spent, long failures,
            String firstFailure, double compilers) {

        /** The report's sentence, e.g. {@code kv: 6 rounds in 78 s, stable (the last two 1.02 × the two before)}. */
        String summary() {
            String verdict = stable ? "stable" : "**still getting faster when the time allowed ran out**";
            String trend = (rounds.size() < 2 * WINDOW) ? verdict + " (fewer than " + 2 * WINDOW + " rounds)"
                    : String.format(Locale.ROOT, "%s (the last two %.2f × the two before; JIT compilers %.0f %% of a "
                            + "core in the last)", verdict, lastRise(rounds), 100 * compilers);
            return String.format(Locale.ROOT, "%s %d round%s in %.0f s, %s, %s", target, rounds.size(),
                    rounds.size() == 1 ? "" : "s", spent.toMillis() / 1000.0, trend,
                    failures == 0 ? "no failure" : "**" + failures + " FAILED** (the first: " + firstFailure + ")");
        }
    }
}
