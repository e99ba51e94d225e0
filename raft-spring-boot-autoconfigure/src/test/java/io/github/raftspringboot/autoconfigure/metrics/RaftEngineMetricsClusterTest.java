package io.github.raftspringboot.autoconfigure.metrics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's meters on a real 3-node cluster on disk: commit and append latencies, snapshots, store entries and the
 * leader's per-follower replication gauges move with what the cluster does.
 */
class RaftEngineMetricsClusterTest {

    private static final int WRITES = 300;

    @TempDir
    Path dir;

    @Test
    void engineMetersFollowTheCluster() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, dir,
                Map.of("raft.snapshot.segment-size", "64KB", "raft.limits.max-entry-size", "16KB"))) {
            String leader = cluster.awaitLeader();
            List<String> followers = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
            for (int i = 0; i < WRITES - 1; i++) {
                cluster.store(leader).async().put("k" + i, "v".repeat(500));
            }
            long lastWrite = cluster.store(leader).put("k-last", "done").index();

            MeterRegistry leaderMeters = meters(cluster, leader);
            FunctionTimer commits = leaderMeters.get("raft.log.commit").functionTimer();
            assertThat(commits.count()).isGreaterThanOrEqualTo(WRITES);
            assertThat(commits.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            // The leader's fsync starts as its entries go out to the followers (LeaderLogSync), so it runs while
            // theirs do; without it, Atomix syncs the leader's log only at commit, after a follower's sync.
            FunctionTimer leaderSyncs = leaderMeters.get("raft.log.leader.sync").functionTimer();
            assertThat(leaderSyncs.count()).isPositive();
            assertThat(leaderSyncs.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(leaderMeters.get("raft.store.entries").gauge().value()).isEqualTo(WRITES);
            // Asynchronous and blocking calls alike.
            assertThat(leaderMeters.get("raft.store.operations").tag("operation", "put").tag("outcome", "success")
                .timer().count()).isEqualTo(WRITES);

            for (String follower : followers) {
                MeterRegistry meters = meters(cluster, follower);
                FunctionTimer appends = meters.get("raft.log.append").functionTimer();
                assertThat(appends.count()).as("appends on %s", follower).isPositive();
                assertThat(appends.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                assertThat(meters.get("raft.log.commit").functionTimer().count()).isZero();
                assertThat(meters.get("raft.log.leader.sync").functionTimer().count()).isZero();
                assertThat(meters.find("raft.replication.lag").gauges()).isEmpty();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(peerGauge(leaderMeters, "raft.replication.match.index", follower).value())
                        .isGreaterThanOrEqualTo(lastWrite);
                    assertThat(peerGauge(leaderMeters, "raft.replication.lag", follower).value()).isZero();
                    assertThat(meters.get("raft.store.entries").gauge().value()).isEqualTo(WRITES);
                });
            }

            // Taken now rather than awaited: Atomix looks for a snapshot to take every 10 s only, and
            // SnapshotRecoveryTest already shows the automatic ones on every node.
            for (String id : cluster.ids()) {
                assertThat(cluster.node(id).snapshot().get(30, TimeUnit.SECONDS)).as("snapshot of %s", id).isPositive();
            }
            for (String id : cluster.ids()) {
                MeterRegistry meters = meters(cluster, id);
                FunctionTimer snapshots = meters.get("raft.snapshot").functionTimer();
                assertThat(snapshots.count()).as("snapshots of %s", id).isPositive();
                assertThat(snapshots.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                // A snapshot covers at least one whole 64 KB log segment of 500-byte values.
                assertThat(meters.get("raft.snapshot.size").gauge().value()).isGreaterThan(30_000);
            }

            String stopped = followers.get(0);
            cluster.stop(stopped);
            for (int i = 0; i < 20; i++) {
                cluster.store(leader).put("after-stop-" + i, i);
            }
            await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(peerGauge(leaderMeters, "raft.replication.lag", stopped).value())
                    .isGreaterThanOrEqualTo(20));
            cluster.node(leader).removeServer(stopped, 0).join();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    leaderMeters.find("raft.replication.lag").tag("peer", stopped).gauge()).isNull());
            assertThat(leaderMeters.get("raft.store.entries").gauge().value()).isEqualTo(WRITES + 20);
        }
    }

    private static MeterRegistry meters(TestCluster cluster, String id) {
        return cluster.context(id).getBean(MeterRegistry.class);
    }

    private static Gauge peerGauge(MeterRegistry meters, String name, String peer) {
        Gauge gauge = meters.find(name).tag("peer", peer).gauge();
        assertThat(gauge).as("%s{peer=%s}", name, peer).isNotNull();
        return gauge;
    }
}
