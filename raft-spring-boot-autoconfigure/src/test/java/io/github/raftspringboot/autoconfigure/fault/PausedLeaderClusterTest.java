package io.github.raftspringboot.autoconfigure.fault;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.test.RaftTestCluster;
import io.github.raftspringboot.test.history.CheckResult;
import io.github.raftspringboot.test.history.HistoryRecorder;
import io.github.raftspringboot.test.history.KvOperation;
import io.github.raftspringboot.test.history.LinearizabilityChecker;
import io.github.raftspringboot.test.history.OperationHandle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leader that looks paused to the others ({@code network().pause}: its links hold every byte, as a SIGSTOP'd
 * process would) is replaced; when it comes back, the messages it had queued arrive late, and it must neither serve
 * the old value to a linearizable read nor have committed the write it took while paused on its own.
 */
class PausedLeaderClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aPausedLeaderThatComesBackServesNoStaleReadAndCommitsNothingAlone() {
        try (RaftTestCluster cluster = RaftTestCluster.builder(NetworkPartitionClusterTest.PlainApplication.class)
            .nodes(3)
            .withNetworkFaults()
            .start()) {
            String old = cluster.awaitLeader();
            HistoryRecorder history = new HistoryRecorder();
            write(history, cluster, old, "v1");

            cluster.network().pause(old);
            // Taken while paused: it cannot be committed by the paused node alone.
            OperationHandle strandedWrite = history.invoke("paused-writer", KvOperation.put("k", "v3"));
            CompletableFuture<WriteResult> stranded = cluster.store(old).async().put("k", "v3");
            String successor = await().atMost(WAIT).until(() -> cluster.running().stream()
                .filter(id -> !id.equals(old) && cluster.node(id).status().role() == RaftRole.LEADER)
                .findFirst()
                .orElse(null), leader -> leader != null);
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                write(history, cluster, successor, "v2");
                return true;
            });
            // Not acknowledged: still waiting, or timed out (a timeout says it may still be applied later).
            assertThat(stranded.isDone() && !stranded.isCompletedExceptionally())
                .as("a write the paused node cannot commit alone is not acknowledged").isFalse();

            cluster.network().resume(old);
            await().atMost(WAIT).until(() -> cluster.node(old).status().role() != RaftRole.LEADER);
            OperationHandle read = history.invoke("reader", KvOperation.get("k"));
            String value = await().atMost(WAIT).ignoreExceptions()
                .until(() -> cluster.store(old).get("k", ReadConsistency.LINEARIZABLE).map(v -> v.asString())
                    .orElse(null), v -> v != null);
            history.ok(read, value);
            if (stranded.isDone() && !stranded.isCompletedExceptionally()) {
                history.ok(strandedWrite, null);
            }
            else {
                history.info(strandedWrite); // it may still take effect (through the new leader) or never
            }

            assertThat(value).isNotEqualTo("v1");
            CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(30)).check(history.history());
            assertThat(result.isLinearizable()).as("%s", result).isTrue();
        }
    }

    private static void write(HistoryRecorder history, RaftTestCluster cluster, String node, String value) {
        OperationHandle handle = history.invoke("writer", KvOperation.put("k", value));
        try {
            cluster.store(node).put("k", value);
        }
        catch (RuntimeException ex) {
            history.info(handle); // timed out: it may still take effect
            throw ex;
        }
        history.ok(handle, null);
    }
}
