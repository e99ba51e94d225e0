package io.github.raftspringboot.benchmarks;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.benchmarks.member.ApiMemberApplication;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;

/** The API mode's kv side against a real 3-node cluster of the benchmark's member application. */
class StoreApiTargetTest {

    private static final int READ_SET = 50;

    private static RaftTestCluster cluster;

    private static StoreApiTarget target;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RaftTestCluster.builder(ApiMemberApplication.class).nodes(3).start();
        cluster.awaitLeader();
        target = new StoreApiTarget(cluster.store("node1"), List.of());
        target.preload(READ_SET, 16);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void thePreloadWritesTheReadSetAndTheCasKey() {
        assertThat(cluster.store("node1").keys("bench/read/", ReadConsistency.LINEARIZABLE)).hasSize(READ_SET);
        assertThat(cluster.store("node1").get(Payloads.CAS_KEY)).isPresent();
    }

    @Test
    void everyKindOfRequestSucceedsAndIsCounted() throws InterruptedException {
        for (Workload.Kind kind : List.of(Workload.Kind.PUT, Workload.Kind.GET_LINEARIZABLE, Workload.Kind.GET_LOCAL,
                Workload.Kind.MIXED_90_10)) {
            RunResult result = run(new Workload("test", kind, 2, 16));

            assertThat(result.failures()).as(kind + ": " + result.firstFailure()).isZero();
            assertThat(result.requests()).as(kind.name()).isPositive();
            assertThat(result.lostRaces()).as(kind.name()).isZero();
        }
    }

    @Test
    void contendedCompareAndSetsCountWonAndLostSwapsNeverFailures() throws InterruptedException {
        long versionBefore = cluster.store("node1").getEntry(Payloads.CAS_KEY).orElseThrow().version();

        RunResult result = run(new Workload("cas-8", Workload.Kind.CAS, 8, 16));

        assertThat(result.failures()).as(result.firstFailure()).isZero();
        assertThat(result.lostRaces()).isPositive().isLessThan(result.requests());
        // Every won swap wrote the key once (answers after the window wrote too, uncounted).
        long swaps = cluster.store("node1").getEntry(Payloads.CAS_KEY).orElseThrow().version() - versionBefore;
        assertThat(swaps).isGreaterThanOrEqualTo(result.requests() - result.lostRaces());
    }

    @Test
    void theMembersCpuIsThisJvmsWithoutTheClientThreads() {
        assertThat(target.memberInThisJvm()).isTrue();
        assertThat(target.serverPids()).containsExactly(ProcessHandle.current().pid());
    }

    private static RunResult run(Workload workload) throws InterruptedException {
        return new ClosedLoopRun(target, workload, READ_SET, Duration.ofMillis(200), Duration.ofSeconds(1)).run();
    }
}
