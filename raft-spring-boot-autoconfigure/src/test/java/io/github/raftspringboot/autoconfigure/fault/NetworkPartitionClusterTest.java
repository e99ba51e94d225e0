package io.github.raftspringboot.autoconfigure.fault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.test.RaftClusterAssert;
import io.github.raftspringboot.test.RaftTestCluster;
import io.github.raftspringboot.test.history.CheckResult;
import io.github.raftspringboot.test.history.HistoryRecorder;
import io.github.raftspringboot.test.history.KvOperation;
import io.github.raftspringboot.test.history.LinearizabilityChecker;
import io.github.raftspringboot.test.history.OperationHandle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Partitions of an in-JVM cluster through its per-link proxies ({@code withNetworkFaults()}): the nodes dial each
 * other through {@code raft.transport.dial-overrides}, so if the overrides were ignored, nothing here would be cut.
 */
class NetworkPartitionClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void anIsolatedLeaderStepsDownCommitsNothingAndItsLocalReadsAreCaughtAsStale() {
        try (RaftTestCluster cluster = RaftTestCluster.builder(PlainApplication.class).nodes(3).withNetworkFaults()
            .start()) {
            String old = cluster.awaitLeader();
            HistoryRecorder history = new HistoryRecorder();
            write(history, cluster, old, "k", "v1");

            cluster.network().isolate(old);
            String successor = awaitLeaderAmong(cluster, cluster.running().stream().filter(id -> !id.equals(old))
                .toList());
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                write(history, cluster, successor, "k", "v2");
                return true;
            });

            // The old leader can commit nothing: a write through it stays unacknowledged while it is cut off.
            CompletableFuture<WriteResult> stranded = cluster.store(old).async().put("k", "v3");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !stranded.isDone()
                    || stranded.isCompletedExceptionally());
            await().atMost(WAIT).until(() -> cluster.node(old).status().role() != RaftRole.LEADER);

            // A local read on the cut-off node answers from its stale copy: the checker must call that out.
            OperationHandle staleRead = history.invoke("local-reader", KvOperation.get("k"));
            Optional<String> local = cluster.store(old).get("k", ReadConsistency.LOCAL).map(v -> v.asString());
            history.ok(staleRead, local.orElse(null));
            assertThat(local).contains("v1");
            CheckResult stale = new LinearizabilityChecker(Duration.ofSeconds(30)).check(history.history());
            assertThat(stale.isLinearizable()).as("a stale local read is reported: %s", stale).isFalse();
            assertThat(stale.explanation()).contains("k");

            cluster.network().heal();
            String leader = cluster.awaitLeader();
            write(new HistoryRecorder(), cluster, leader, "after", "healed");
            await().atMost(WAIT).until(() -> cluster.store(old).get("after", ReadConsistency.LOCAL).isPresent());
            assertThat(cluster.store(old).get("k", ReadConsistency.LINEARIZABLE).map(v -> v.asString()))
                .isPresent().get().isIn("v2", "v3");
        }
    }

    @Test
    void aMinorityCannotCommitAndAKilledLeaderIsReplaced() {
        try (RaftTestCluster cluster = RaftTestCluster.builder(PlainApplication.class).nodes(3).withNetworkFaults()
            .start()) {
            String leader = cluster.awaitLeader();
            String follower = cluster.followers().get(0);
            cluster.network().partition(List.of(follower));
            CompletableFuture<WriteResult> minority = cluster.store(follower).async().put("m", "minority");
            // A node's client session may be talking through the cut-off node: its request then waits out
            // raft.request-timeout before the session moves on (docs/reliability.md), hence "eventually".
            await().atMost(WAIT).ignoreExceptions().until(() -> cluster.store(leader).put("m", "majority") != null);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !minority.isDone()
                    || minority.isCompletedExceptionally());
            cluster.network().heal();
            cluster.awaitLeader();
            RaftClusterAssert.assertThat(cluster).hasOneLeader();

            // kill: no leadership hand-over; the others elect among themselves and write.
            String killed = cluster.awaitLeader();
            cluster.kill(killed);
            String next = cluster.awaitLeader();
            assertThat(next).isNotEqualTo(killed);
            await().atMost(WAIT).ignoreExceptions().until(() -> cluster.store(next).put("after-kill", 1) != null);
            cluster.start(killed);
            await().atMost(WAIT).until(() -> cluster.store(killed).get("after-kill", ReadConsistency.LOCAL)
                .isPresent());
        }
    }

    private static void write(HistoryRecorder history, RaftTestCluster cluster, String node, String key,
            String value) {
        OperationHandle handle = history.invoke("writer", KvOperation.put(key, value));
        try {
            cluster.store(node).put(key, value);
        }
        catch (RuntimeException ex) {
            history.info(handle); // timed out: it may still take effect
            throw ex;
        }
        history.ok(handle, null);
    }

    private static String awaitLeaderAmong(RaftTestCluster cluster, List<String> candidates) {
        return await().atMost(WAIT).until(() -> candidates.stream()
            .filter(id -> cluster.node(id).status().role() == RaftRole.LEADER)
            .findFirst()
            .orElse(null), leader -> leader != null);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class PlainApplication {
    }
}
