package io.github.raftspringboot.autoconfigure.kv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import io.github.raftspringboot.api.Lease;
import io.github.raftspringboot.api.LeaseNotFoundException;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Leases on a real 3-node cluster: keys live and die with their lease on every node, across a leader change. */
class LeaseClusterTest {

    @Test
    void keysLiveAndDieWithTheirLeaseOnEveryNode(@TempDir Path dir) {
        try (RaftTestCluster cluster = RaftTestCluster.builder(App.class).nodes(3).stateDirectory(dir).start()) {
            cluster.awaitLeader();
            String follower = cluster.followers().get(0);
            RaftLeases leases = cluster.bean(follower, RaftLeases.class);

            Lease lease = leases.grant(Duration.ofSeconds(30));
            assertThat(lease.ttl()).isEqualTo(Duration.ofSeconds(30));
            leases.put("session/a", "x", lease.id());
            leases.put("session/b", 2, lease.id());
            cluster.store(follower).put("plain", 1);
            Lease kept = leases.keepAlive(lease.id());
            assertThat(kept.keys()).containsExactly("session/a", "session/b");
            assertThat(leases.timeToLive(lease.id())).get().satisfies(live -> assertThat(live.remaining())
                .isGreaterThan(Duration.ofSeconds(20)).isLessThanOrEqualTo(Duration.ofSeconds(30)));
            assertThat(leases.list()).extracting(Lease::id).containsExactly(lease.id());
            assertThat(leases.leaseOf("session/a")).get().satisfies(key -> assertThat(key.leaseId())
                .isEqualTo(lease.id()));

            assertThat(cluster.bean(cluster.awaitLeader(), RaftLeases.class).revoke(lease.id())).isTrue();
            for (String id : cluster.running()) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                        cluster.store(id).keys("", ReadConsistency.LOCAL)).containsExactly("plain"));
            }
            assertThat(leases.timeToLive(lease.id())).isEmpty();
            assertThat(leases.revoke(lease.id())).isFalse();

            // Bad input changes nothing and says what is wrong.
            assertThatThrownBy(() -> leases.keepAlive(lease.id())).isInstanceOf(LeaseNotFoundException.class)
                .hasMessageContaining("Lease " + lease.id() + " does not exist");
            assertThatThrownBy(() -> leases.put("orphan", 1, lease.id())).isInstanceOf(LeaseNotFoundException.class);
            assertThat(cluster.store(follower).get("orphan")).isEmpty();
            assertThatThrownBy(() -> leases.grant(Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from 1 s to 24 h");
            assertThatThrownBy(() -> leases.grant(Duration.ofDays(2))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> leases.keepAlive(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        }
    }

    @Test
    void aLeaseOutlivesItsLeaderAndThenExpiresNotBeforeItsTtlFromTheLastKeepAlive(@TempDir Path dir) {
        Duration ttl = Duration.ofSeconds(4);
        try (RaftTestCluster cluster = RaftTestCluster.builder(App.class).nodes(3).stateDirectory(dir).start()) {
            String leader = cluster.awaitLeader();
            String holder = cluster.followers().get(0);
            RaftLeases leases = cluster.bean(holder, RaftLeases.class);
            Lease lease = leases.grant(ttl);
            leases.put("ephemeral", "alive", lease.id());
            long lastKeepAlive = 0;
            for (int i = 0; i < 3; i++) {
                lastKeepAlive = System.nanoTime();
                leases.keepAlive(lease.id());
            }
            cluster.stop(leader);
            String newLeader = cluster.awaitLeader();
            assertThat(newLeader).isNotEqualTo(leader);

            List<String> survivors = cluster.running();
            long vanished = awaitGoneEverywhere(cluster, survivors, "ephemeral");
            assertThat(Duration.ofNanos(vanished - lastKeepAlive)).as("lifetime after the last keep-alive")
                .isGreaterThanOrEqualTo(ttl);
            assertThat(leases.timeToLive(lease.id())).isEmpty();
            assertThatThrownBy(() -> leases.keepAlive(lease.id())).isInstanceOf(LeaseNotFoundException.class);

            // The old leader comes back and learns of the expiry from the log.
            cluster.start(leader);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    cluster.store(leader).get("ephemeral", ReadConsistency.LOCAL)).isEmpty());
        }
    }

    @Test
    void keepAlivesKeepALeaseAliveLongAfterItsTtl(@TempDir Path dir) {
        Duration ttl = Duration.ofSeconds(2);
        try (RaftTestCluster cluster = RaftTestCluster.builder(App.class).nodes(3).stateDirectory(dir).start()) {
            cluster.awaitLeader();
            RaftLeases leases = cluster.bean(cluster.followers().get(0), RaftLeases.class);
            Lease lease = leases.grant(ttl);
            leases.put("kept", 1, lease.id());
            long until = System.nanoTime() + ttl.multipliedBy(3).toNanos();
            long lastKeepAlive = 0;
            while (System.nanoTime() < until) {
                lastKeepAlive = System.nanoTime();
                leases.keepAlive(lease.id());
                // A client paced at a quarter of the TTL, as a real one would keep its lease alive.
                await().pollDelay(ttl.dividedBy(4)).until(() -> true);
                assertThat(cluster.store(cluster.awaitLeader()).get("kept")).isPresent();
            }
            Optional<Lease> left = leases.timeToLive(lease.id());
            assertThat(left).isPresent();
            long vanished = awaitGoneEverywhere(cluster, cluster.running(), "kept");
            assertThat(Duration.ofNanos(vanished - lastKeepAlive)).isGreaterThanOrEqualTo(ttl);
        }
    }

    /** Polls every node's local copy until {@code key} is gone on all; returns when it was first seen gone. */
    private static long awaitGoneEverywhere(RaftTestCluster cluster, List<String> nodes, String key) {
        long[] firstGone = { 0 };
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            boolean goneEverywhere = true;
            for (String id : nodes) {
                if (cluster.store(id).get(key, ReadConsistency.LOCAL).isEmpty()) {
                    if (firstGone[0] == 0) {
                        firstGone[0] = System.nanoTime();
                    }
                }
                else {
                    goneEverywhere = false;
                }
            }
            return goneEverywhere;
        });
        return firstGone[0];
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
