package io.github.raftspringboot.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How busy the sample's JIT compilers were in each row's runs. A row measured while they still compile (a new number
 * of clients takes other paths, which the JIT compiles again) measures the JIT as much as the sample; the report
 * says so for every row.
 */
final class RowCompilers {

    /** In cores: the most of the row's rounds, by row name, in the order measured. */
    private final Map<String, Double> busiest = new LinkedHashMap<>();

    /** Starts measuring how busy the compilers of the processes {@code pids} are, from now on. */
    static Reading reading(List<Long> pids) {
        return new Reading(pids, CompilerCpu.ticksByThread(pids), System.nanoTime());
    }

    /** A measurement of the compilers' CPU since it started. */
    record Reading(List<Long> pids, Map<Long, Long> ticksBefore, long startNanos) {

        /** The cores the compilers used on average since the reading started. */
        double cores() {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            return CompilerCpu.secondsBetween(ticksBefore, CompilerCpu.ticksByThread(pids)) / seconds;
        }
    }

    /** Records one run of {@code row}: its servers' compilers used {@code cores} of a core on average. */
    void record(String row, double cores) {
        busiest.merge(row, cores, Math::max);
    }

    /** The report's note, or nothing when no run was recorded. */
    Optional<String> note() {
        if (busiest.isEmpty()) {
            return Optional.empty();
        }
        List<String> rows = new ArrayList<>();
        busiest.forEach((row, cores) -> rows.add(String.format(Locale.ROOT, "%s %.0f %%", row, 100 * cores)));
        return Optional.of("The sample's JIT compilers during each row's runs (the busiest of its rounds, in % of one "
                + "core, the run's warm-up included): " + String.join(", ", rows) + ".");
    }
}
