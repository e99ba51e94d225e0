package io.github.raftspringboot.autoconfigure.fault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.test.RaftTestCluster;
import io.github.raftspringboot.test.history.CheckResult;
import io.github.raftspringboot.test.history.HistoryRecorder;
import io.github.raftspringboot.test.history.KvOperation;
import io.github.raftspringboot.test.history.LinearizabilityChecker;
import io.github.raftspringboot.test.history.OperationHandle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Linearizable reads on the nodes left resume soon after the leader freezes (a SIGSTOP, a long GC pause). A follower
 * asks the leader for a read index, one request at a time shared by every waiting read; the frozen leader neither
 * answered nor failed the request in flight to it, so every read of that follower waited for the transport's deadline
 * ({@code raft.request-timeout}, 10 s) although a new leader was known after half a second. Per node of the majority,
 * with a read every 20 ms: the time from the fault to when the node knows the new leader, and to its first successful
 * read invoked after the fault; the second may exceed the first by at most 4 × the election timeout. The reads and
 * the writes beside them are then checked for linearizability.
 */
class ReadsResumeAfterLeaderPauseTest {

    private static final Logger logger = LoggerFactory.getLogger(ReadsResumeAfterLeaderPauseTest.class);

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    private static final Duration BOUND = ELECTION_TIMEOUT.multipliedBy(4);

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A few keys, so that each key's history stays quick to check. */
    private static final int KEYS = 4;

    @Test
    void readsOnTheMajorityResumeSoonAfterANewLeaderIsKnown() throws Exception {
        try (RaftTestCluster cluster = RaftTestCluster.builder(NetworkPartitionClusterTest.PlainApplication.class)
            .nodes(3)
            .withNetworkFaults()
            .property("raft.election-timeout", ELECTION_TIMEOUT.toMillis() + "ms")
            .start()) {
            String leader = cluster.awaitLeader();
            List<String> majority = cluster.running().stream().filter(id -> !id.equals(leader)).toList();
            HistoryRecorder history = new HistoryRecorder();
            AtomicLong faultAt = new AtomicLong(Long.MAX_VALUE);
            Map<String, AtomicLong> readAfter = new ConcurrentHashMap<>();
            AtomicLong written = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            ScheduledExecutorService clients = Executors.newScheduledThreadPool(2);
            NewLeaderWatch leaderWatch = new NewLeaderWatch(cluster, majority, leader);
            try {
                for (String node : majority) {
                    clients.scheduleAtFixedRate(() -> read(cluster, node, history, reads.incrementAndGet(), faultAt,
                            readAfter), 0, 20,
                            TimeUnit.MILLISECONDS);
                    clients.scheduleAtFixedRate(() -> write(cluster, node, history, written.incrementAndGet()), 0,
                            100, TimeUnit.MILLISECONDS);
                }
                // Reads succeed through both followers before the fault (the JVM warmed up a little).
                await().atMost(WAIT).until(() -> majority.stream().allMatch(node -> history.history().operations()
                    .stream()
                    .filter(op -> op.client().startsWith("reader-" + node + "-"))
                    .count() > 50));

                faultAt.set(System.nanoTime());
                cluster.network().pause(leader);
                leaderWatch.start(faultAt.get());
                await().atMost(WAIT).until(() -> majority.stream()
                    .allMatch(node -> readAfter.containsKey(node) && leaderWatch.knows(node)));
            }
            finally {
                clients.shutdownNow();
                clients.awaitTermination(10, TimeUnit.SECONDS);
                leaderWatch.close();
            }
            Map<String, Long> readMillis = new TreeMap<>();
            Map<String, Long> electedMillis = leaderWatch.millis();
            majority.forEach(node -> {
                readMillis.put(node, TimeUnit.NANOSECONDS.toMillis(readAfter.get(node).get()));
            });
            logger.info("Paused leader {}: fault -> first linearizable read invoked after it, per majority node (ms): "
                    + "{}; fault -> a new leader known to the node (ms): {}", leader, readMillis, electedMillis);
            assertThat(majority).allSatisfy(node -> assertThat(readMillis.get(node) - electedMillis.get(node))
                .as("ms from %s knowing the new leader to its first linearizable read (%d ms after the fault)", node,
                        readMillis.get(node))
                .isLessThanOrEqualTo(BOUND.toMillis()));

            cluster.network().resume(leader);
            CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(60)).check(history.history());
            assertThat(result.isLinearizable()).as("%s", result).isTrue();
        }
    }

    /** A linearizable read, recorded; one invoked after the fault that succeeds sets the node's time. */
    private static void read(RaftTestCluster cluster, String node, HistoryRecorder history, long n,
            AtomicLong faultAt, Map<String, AtomicLong> readAfter) {
        String key = "k" + (n % KEYS);
        OperationHandle handle = history.invoke("reader-" + node + "-" + n, KvOperation.get(key));
        long invoked = System.nanoTime();
        cluster.store(node).async().get(key, ReadConsistency.LINEARIZABLE).whenComplete((value, error) -> {
            if (error != null) {
                history.fail(handle); // a read that failed changed nothing
                return;
            }
            history.ok(handle, value.map(v -> v.asString()).orElse(null));
            if (invoked >= faultAt.get()) {
                readAfter.computeIfAbsent(node, id -> new AtomicLong(Long.MAX_VALUE))
                    .accumulateAndGet(System.nanoTime() - faultAt.get(), Math::min);
            }
        });
    }

    private static void write(RaftTestCluster cluster, String node, HistoryRecorder history, long n) {
        String key = "k" + (n % KEYS);
        String value = node + "-" + n;
        OperationHandle handle = history.invoke("writer-" + node + "-" + n, KvOperation.put(key, value));
        cluster.store(node).async().put(key, value).whenComplete((result, error) -> {
            if (error != null) {
                history.info(handle); // it may still take effect
            }
            else {
                history.ok(handle, null);
            }
        });
    }
}
