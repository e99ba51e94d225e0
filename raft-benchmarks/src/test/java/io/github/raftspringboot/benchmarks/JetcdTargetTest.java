package io.github.raftspringboot.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The API mode's etcd side against 3 real etcd members (skipped where etcd is not installed): jetcd works with the
 * gRPC, Netty and protobuf versions of this build, and counts like the store's side.
 */
class JetcdTargetTest {

    private static final int READ_SET = 50;

    @TempDir
    static Path workDir;

    private static EtcdCluster etcd;

    private static JetcdTarget target;

    @BeforeAll
    static void startEtcd() throws Exception {
        String binary = List.of("/usr/bin/etcd", "/usr/local/bin/etcd").stream()
            .filter(path -> Path.of(path).toFile().canExecute())
            .findFirst()
            .orElse(null);
        assumeTrue(binary != null, "etcd is not installed (apt-get install etcd-server)");
        HttpCalls http = new HttpCalls();
        etcd = new EtcdCluster(binary, workDir).awaitHealthy(http, Duration.ofMinutes(2));
        target = new JetcdTarget(http, etcd.clientUris(), etcd.pids());
        target.preload(READ_SET, 16);
    }

    @AfterAll
    static void stopEtcd() {
        if (target != null) {
            target.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void everyKindOfRequestSucceedsAndIsCounted() throws InterruptedException {
        for (Workload.Kind kind : List.of(Workload.Kind.PUT, Workload.Kind.GET_LINEARIZABLE, Workload.Kind.GET_LOCAL,
                Workload.Kind.MIXED_90_10)) {
            RunResult result = run(new Workload("test", kind, 2, 16));

            assertThat(result.failures()).as(kind + ": " + result.firstFailure()).isZero();
            assertThat(result.requests()).as(kind.name()).isPositive();
            assertThat(result.cpuSeconds()).as(kind.name()).isPositive();
        }
    }

    @Test
    void contendedCompareAndSetsCountWonAndLostSwapsNeverFailures() throws InterruptedException {
        RunResult result = run(new Workload("cas-8", Workload.Kind.CAS, 8, 16));

        assertThat(result.failures()).as(result.firstFailure()).isZero();
        assertThat(result.lostRaces()).isPositive().isLessThan(result.requests());
    }

    private static RunResult run(Workload workload) throws InterruptedException {
        return new ClosedLoopRun(target, workload, READ_SET, Duration.ofMillis(500), Duration.ofSeconds(2)).run();
    }
}
