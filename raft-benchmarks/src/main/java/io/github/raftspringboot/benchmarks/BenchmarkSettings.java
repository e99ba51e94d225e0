package io.github.raftspringboot.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * How a benchmark runs ({@code valueSize}: the read set's and the rows' that do not name their own): what against
 * what ({@code mode}), the workloads, the time per run, and how many rounds of alternating runs
 * ({@code kv, etcd, kv, etcd, ...}) each workload gets, after an unmeasured JIT warm-up of both systems.
 * {@code apiMemberRole}: in {@link BenchmarkMode#API}, whether the in-process member is made the leader or a
 * follower before the first row.
 */
record BenchmarkSettings(BenchmarkMode mode, List<Workload> workloads, Duration run, Duration warmUp, int rounds,
        int readSetSize, int valueSize, Duration jitWarmUp, List<String> kvJvmOptions, boolean quick,
        ApiMemberRole apiMemberRole) {

    BenchmarkSettings {
        workloads = List.copyOf(workloads);
        kvJvmOptions = List.copyOf(kvJvmOptions);
        if (run.isNegative() || run.isZero()) {
            throw new IllegalArgumentException("The run time must be positive, got " + run.toMillis() + " ms");
        }
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("The warm-up cannot be negative, got " + warmUp.toMillis() + " ms");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("At least one round is needed, got " + rounds);
        }
        if (jitWarmUp.isNegative()) {
            throw new IllegalArgumentException("The JIT warm-up cannot be negative, got " + jitWarmUp.toMillis()
                    + " ms");
        }
        if (valueSize < 1) {
            throw new IllegalArgumentException("Values need at least one byte, got " + valueSize);
        }
        if (readSetSize < 1) {
            throw new IllegalArgumentException("The read set needs at least one key, got " + readSetSize);
        }
    }
}
