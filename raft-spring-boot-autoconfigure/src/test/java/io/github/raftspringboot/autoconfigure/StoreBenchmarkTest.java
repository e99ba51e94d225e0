package io.github.raftspringboot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.ReadConsistency;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throughput and latency of the store on a 3-node, disk-backed cluster on loopback. Not part of the test suite:
 * run it with {@code mvn -pl raft-spring-boot-autoconfigure -am test -Pbenchmark} (see docs/benchmarks.md).
 */
@Tag("benchmark")
class StoreBenchmarkTest {

    private static final Logger logger = LoggerFactory.getLogger(StoreBenchmarkTest.class);

    /** A benchmark counts only successes; any failed operation fails the run, after every scenario has run. */
    private static final List<String> FAILED_SCENARIOS = new CopyOnWriteArrayList<>();

    private static final Duration RUN = Duration.ofSeconds(Long.getLong("benchmark.seconds", 10));

    /** {@code -Dbenchmark.scenarios=writes}: only the two 64-in-flight write scenarios (the ones that load sessions). */
    private static final boolean WRITES_ONLY = "writes".equals(System.getProperty("benchmark.scenarios", "all"));

    /** {@code -Dbenchmark.scenarios=reads}: only the linearizable read scenarios (leader and follower). */
    private static final boolean READS_ONLY = "reads".equals(System.getProperty("benchmark.scenarios", "all"));

    /** {@code -Dbenchmark.rounds=N}: the scenarios N times in a row on the same cluster. */
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 1);

    @Test
    void storeThroughput() throws Exception {
        Path dir = Files.createTempDirectory("raft-benchmark");
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of("raft.election-timeout", "1s",
                "raft.heartbeat-interval", "250ms", "raft.storage", System.getProperty("benchmark.storage", "disk")))) {
            String leader = cluster.awaitLeader();
            String follower = cluster.anyFollower();
            RaftKeyValueStore store = cluster.store(leader);
            String value = "v".repeat(100);
            for (int i = 0; i < 2000; i++) {
                store.put("warmup-" + (i % 100), value);
            }
            AtomicLong counter = new AtomicLong();
            RaftKeyValueStore followerStore = cluster.store(follower);
            for (int round = 1; round <= ROUNDS; round++) {
                if (ROUNDS > 1) {
                    logger.info("BENCHMARK round {} of {}", round, ROUNDS);
                }
                if (!WRITES_ONLY && !READS_ONLY) {
                    report("sequential writes, 1 client (leader)", run(1, () -> CompletableFuture.completedFuture(
                            store.put("seq-" + counter.incrementAndGet() % 10000, value))));
                }
                if (!READS_ONLY) {
                    report("concurrent writes, 64 in flight (leader)",
                            run(64, () -> store.async().put("c-" + counter.incrementAndGet() % 10000, value)));
                    report("concurrent writes, 64 in flight (follower)", run(64,
                            () -> followerStore.async().put("f-" + counter.incrementAndGet() % 10000, value)));
                }
                if (!WRITES_ONLY) {
                    report("linearizable reads, 1 client (leader)", run(1, () -> CompletableFuture.completedFuture(
                            store.get("warmup-" + counter.incrementAndGet() % 100, ReadConsistency.LINEARIZABLE))));
                    report("linearizable reads, 1 client (follower)", run(1, () -> CompletableFuture.completedFuture(
                            followerStore.get("warmup-" + counter.incrementAndGet() % 100,
                                    ReadConsistency.LINEARIZABLE))));
                    report("linearizable reads, 64 in flight (leader)", run(64, () -> store.async()
                        .get("c-" + counter.incrementAndGet() % 10000, ReadConsistency.LINEARIZABLE)));
                    report("linearizable reads, 64 in flight (follower)", run(64, () -> followerStore.async()
                        .get("c-" + counter.incrementAndGet() % 10000, ReadConsistency.LINEARIZABLE)));
                }
                if (!WRITES_ONLY && !READS_ONLY) {
                    report("local reads, 64 in flight (follower)", run(64, () -> followerStore.async()
                        .get("c-" + counter.incrementAndGet() % 10000, ReadConsistency.LOCAL)));
                }
            }
        }
        finally {
            FileSystemUtils.deleteRecursively(dir);
        }
        assertThat(FAILED_SCENARIOS).as("scenarios with failed operations").isEmpty();
    }

    /** Keeps {@code inFlight} operations running for {@link #RUN}; returns every latency in microseconds. */
    private static long[] run(int inFlight, Supplier<CompletableFuture<?>> operation) throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        long[] latencies = new long[50_000_000 / 8];
        AtomicLong count = new AtomicLong();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long cpuBefore = processCpuNanos();
        long end = System.nanoTime() + RUN.toNanos();
        while (System.nanoTime() < end) {
            permits.acquire();
            long start = System.nanoTime();
            operation.get().whenComplete((result, error) -> {
                if (error != null) {
                    failures.add(error);
                }
                long index = count.getAndIncrement();
                if (index < latencies.length) {
                    latencies[(int) index] = (System.nanoTime() - start) / 1000;
                }
                permits.release();
            });
        }
        permits.acquire(inFlight);
        lastCpuNanos = processCpuNanos() - cpuBefore;
        if (!failures.isEmpty()) {
            logger.warn("{} of {} operations failed; first failure: {}", failures.size(), count.get(),
                    failures.peek().toString());
            FAILED_SCENARIOS.add(failures.size() + " of " + count.get() + " failed: " + failures.peek());
        }
        return Arrays.copyOf(latencies, (int) Math.min(count.get(), latencies.length));
    }

    /** The CPU time of this JVM (the three nodes and the load) during the last {@link #run}. */
    private static long lastCpuNanos;

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void report(String name, long[] latencies) {
        Arrays.sort(latencies);
        double perSecond = latencies.length / (double) RUN.toSeconds();
        double cpuMicrosPerOp = (latencies.length == 0) ? 0 : lastCpuNanos / 1000.0 / latencies.length;
        logger.info(String.format("BENCHMARK %-45s %9.0f ops/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  "
                + "CPU %7.1f us/op  (%d ops)", name, perSecond, percentile(latencies, 0.50) / 1000.0,
                percentile(latencies, 0.99) / 1000.0, percentile(latencies, 1.0) / 1000.0, cpuMicrosPerOp,
                latencies.length));
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }
}
