package io.github.raftspringboot.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * What one or more runs of a workload against one system measured.
 *
 * @param requests requests answered successfully inside the measured window
 * @param failures requests that failed (error status, wrong answer, exception, timeout), warm-up included
 * @param firstFailure what the first failure said, or {@code null}
 * @param lostRaces compare-and-set attempts that lost to another client (not failures)
 * @param latencyMicros latency of the successful requests of the measured window, in microseconds
 * @param seconds length of the measured window(s)
 * @param cpuSeconds CPU time (user + system) of the system's servers during the window(s): its server processes,
 *        and for a member inside the load generator's JVM that JVM minus the client threads
 * @param clientThreadCpuSeconds CPU time of the client threads during the window(s)
 * @param loadGeneratorCpuSeconds CPU time of the whole load generator's JVM during the window(s)
 * @param runs how many runs were merged into this result
 */
record RunResult(long requests, long failures, String firstFailure, long lostRaces, Histogram latencyMicros,
        double seconds, double cpuSeconds, double clientThreadCpuSeconds, double loadGeneratorCpuSeconds,
        int runs) {

    /** Highest latency a histogram holds: one minute (longer requests are recorded as one minute). */
    static final long MAX_MICROS = 60_000_000L;

    static Histogram newHistogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    double throughput() {
        return seconds > 0 ? requests / seconds : 0;
    }

    /** CPU time of the servers per successful request, in microseconds, or NaN without requests. */
    double cpuMicrosPerRequest() {
        return perRequest(cpuSeconds);
    }

    /** The client threads' CPU time per successful request, in microseconds, or NaN without requests. */
    double clientThreadCpuMicrosPerRequest() {
        return perRequest(clientThreadCpuSeconds);
    }

    /** The load generator JVM's CPU time per successful request, in microseconds, or NaN without requests. */
    double loadGeneratorCpuMicrosPerRequest() {
        return perRequest(loadGeneratorCpuSeconds);
    }

    private double perRequest(double cpu) {
        return requests > 0 ? cpu * 1e6 / requests : Double.NaN;
    }

    /** Latency at a percentile, in milliseconds, or NaN without requests. */
    double latencyMillis(double percentile) {
        return latencyMicros.getTotalCount() > 0 ? latencyMicros.getValueAtPercentile(percentile) / 1000.0
                : Double.NaN;
    }

    /** Both results as one: requests, times and histograms added (the throughput is over both windows). */
    RunResult merge(RunResult other) {
        Histogram latency = latencyMicros.copy();
        latency.add(other.latencyMicros);
        return new RunResult(requests + other.requests, failures + other.failures,
                firstFailure != null ? firstFailure : other.firstFailure, lostRaces + other.lostRaces, latency,
                seconds + other.seconds, cpuSeconds + other.cpuSeconds,
                clientThreadCpuSeconds + other.clientThreadCpuSeconds,
                loadGeneratorCpuSeconds + other.loadGeneratorCpuSeconds, runs + other.runs);
    }
}
