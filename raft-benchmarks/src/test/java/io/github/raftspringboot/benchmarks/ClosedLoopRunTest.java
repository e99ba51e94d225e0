package io.github.raftspringboot.benchmarks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClosedLoopRunTest {

    private static final Workload PUT_2 = new Workload("put-2", Workload.Kind.PUT, 2, 16);

    @Test
    void everyFailedRequestIsCountedWithTheFirstMessageAndLeftOutOfTheLatencies() throws InterruptedException {
        AtomicLong calls = new AtomicLong();
        BenchmarkTarget target = target(() -> {
            Thread.sleep(1);
            if (calls.incrementAndGet() % 3 == 0) {
                throw new RequestFailedException("POST /key answered 503: no leader");
            }
            return true;
        });

        RunResult result = new ClosedLoopRun(target, PUT_2, 10, Duration.ZERO, Duration.ofMillis(300)).run();

        assertThat(result.requests()).isPositive();
        assertThat(result.failures()).isPositive();
        // Failures are counted whenever they happen; successes only inside the window.
        assertThat(result.requests() + result.failures()).isLessThanOrEqualTo(calls.get());
        assertThat(result.latencyMicros().getTotalCount()).isEqualTo(result.requests());
        assertThat(result.firstFailure()).isEqualTo("RequestFailedException: POST /key answered 503: no leader");
        assertThat(result.seconds()).isGreaterThanOrEqualTo(0.3);
        assertThat(result.cpuSeconds()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void lostCompareAndSetRacesAreNotFailures() throws InterruptedException {
        AtomicLong calls = new AtomicLong();
        BenchmarkTarget target = target(() -> {
            Thread.sleep(1);
            return calls.incrementAndGet() % 2 == 0;
        });

        RunResult result = new ClosedLoopRun(target, PUT_2, 10, Duration.ZERO, Duration.ofMillis(200)).run();

        assertThat(result.failures()).isZero();
        assertThat(result.lostRaces()).isPositive().isLessThan(result.requests());
    }

    @Test
    void aMemberInThisJvmIsChargedThisJvmsCpuWithoutTheClientThreadsOwn() throws InterruptedException {
        // Each request burns ~2 ms of CPU on the client thread itself: work of the client, not of the member.
        BenchmarkTarget.ClientOperation spin = () -> {
            long end = System.nanoTime() + 2_000_000;
            long sum = 0;
            while (System.nanoTime() < end) {
                sum += System.nanoTime() % 7;
            }
            return sum >= 0;
        };

        RunResult member = new ClosedLoopRun(target(spin, true), PUT_2, 10, Duration.ZERO, Duration.ofMillis(500))
            .run();
        RunResult process = new ClosedLoopRun(target(spin, false), PUT_2, 10, Duration.ZERO,
                Duration.ofMillis(500)).run();

        assertThat(member.clientThreadCpuSeconds()).isPositive();
        assertThat(member.cpuSeconds()).isLessThan(member.clientThreadCpuSeconds());
        assertThat(member.loadGeneratorCpuSeconds()).isGreaterThan(member.cpuSeconds());
        // Without a member in this JVM the servers' CPU is their processes' as measured (here: this JVM, whole).
        assertThat(process.cpuSeconds()).isGreaterThanOrEqualTo(process.clientThreadCpuSeconds() * 0.8);
    }

    private static BenchmarkTarget target(BenchmarkTarget.ClientOperation operation) {
        return FakeTarget.of(operation, false);
    }

    private static BenchmarkTarget target(BenchmarkTarget.ClientOperation operation, boolean memberInThisJvm) {
        return FakeTarget.of(operation, memberInThisJvm);
    }
}
