package io.github.raftspringboot.sample.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.test.history.CheckResult;
import io.github.raftspringboot.test.history.History;
import io.github.raftspringboot.test.history.HistoryRecorder;
import io.github.raftspringboot.test.history.LinearizabilityChecker;
import io.github.raftspringboot.test.history.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite: a cluster of sample processes ({@code java -jar}, as users run them) under concurrent load from
 * several clients on every node, while a nemesis kills (-9) and restarts nodes and freezes (SIGSTOP/SIGCONT) the
 * leader. Every operation is recorded (invoke, then ok / fail / info) and the history is checked for linearizability
 * per key. Lost acknowledged writes show up as violations too: a later read that misses one cannot be linearized.
 * <p>
 * The CI variant runs 3 nodes for {@code faults.duration} (default 120 s); the long one is documented in
 * docs/reliability.md ({@code -Dfaults.nodes=5 -Dfaults.duration=10m}).
 */
class FaultSuiteIT {

    private static final Logger logger = LoggerFactory.getLogger(FaultSuiteIT.class);

    private final List<NodeProcess> nodes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopNodes() {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    void historiesStayLinearizableWhileNodesAreKilledRestartedAndPaused() throws Exception {
        int size = Integer.getInteger("faults.nodes", 3);
        Duration duration = Duration.parse("PT" + System.getProperty("faults.duration", "120s").toUpperCase());
        int clients = Integer.getInteger("faults.clients", 8);
        startCluster(size);

        HistoryRecorder recorder = new HistoryRecorder();
        long deadline = System.nanoTime() + duration.toNanos();
        FaultClient.Stats stats = new FaultClient.Stats();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            pool.submit(new FaultClient("c" + c, nodes, recorder, stats, deadline));
        }
        Nemesis nemesis = new Nemesis(nodes, stats);
        nemesis.runUntil(deadline);
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("clients finished").isTrue();

        nemesis.healAll();
        FaultClient.finalReads("final", nodes, recorder);

        History history = recorder.history();
        CheckResult result = new LinearizabilityChecker(Duration.ofMinutes(2)).check(history);
        Map<Outcome, Long> outcomes = history.countByOutcome();
        String report = report(size, duration, history.size(), outcomes, nemesis, stats, result);
        logger.info("{}", report);
        assertThat(stats.okWrites()).as("acknowledged writes").isPositive();
        assertThat(result.isLinearizable()).as(report + "\n" + result.explanation()).isTrue();
        assertThat(nemesis.longestRecovery()).as("longest time from a fault to the next acknowledged write")
            .isLessThan(Duration.ofSeconds(30));
    }

    private void startCluster(int size) {
        Map<String, Integer> raftPorts = new LinkedHashMap<>();
        for (int i = 1; i <= size; i++) {
            raftPorts.put("node" + i, SampleJar.freePort());
        }
        String peers = String.join(",", raftPorts.entrySet().stream()
            .map(entry -> entry.getKey() + "@127.0.0.1:" + entry.getValue())
            .toList());
        for (Map.Entry<String, Integer> entry : raftPorts.entrySet()) {
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("NODE_ID", entry.getKey());
            environment.put("RAFT_ADDR", "127.0.0.1");
            environment.put("RAFT_ADVERTISE_ADDR", "127.0.0.1");
            environment.put("RAFT_PORT", Integer.toString(entry.getValue()));
            environment.put("HTTP_ADDR", "127.0.0.1");
            environment.put("HTTP_PORT", Integer.toString(SampleJar.freePort()));
            environment.put("PEERS", peers);
            environment.put("STATE_DIR", dir.resolve(entry.getKey()).toString());
            // Test timings (elections within about a second), and no gRPC admin port to allocate.
            environment.put("RAFT_ELECTIONTIMEOUT", "1000ms");
            environment.put("RAFT_HEARTBEATINTERVAL", "150ms");
            environment.put("SPRING_GRPC_SERVER_PORT", Integer.toString(SampleJar.freePort()));
            environment.put("SPRING_GRPC_SERVER_ADDRESS", "127.0.0.1");
            nodes.add(new NodeProcess(entry.getKey(), environment, logs()));
        }
        nodes.forEach(NodeProcess::start);
        nodes.forEach(NodeProcess::awaitServing);
    }

    /** The nodes' logs stay in target/ for a look after a failed run. */
    private static Path logs() {
        try {
            return java.nio.file.Files.createDirectories(Path.of("target", "fault-suite"));
        }
        catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static String report(int size, Duration duration, int operations, Map<Outcome, Long> outcomes,
            Nemesis nemesis, FaultClient.Stats stats, CheckResult result) {
        return String.format("Fault suite: %d nodes, %s of faults%n  operations %d: ok %d, fail %d, info %d "
                + "(acknowledged writes %d)%n  faults injected: %s%n  time from a fault to the next acknowledged "
                + "write: longest %d ms, mean %d ms%n  verdict: %s", size, duration, operations,
                outcomes.getOrDefault(Outcome.OK, 0L), outcomes.getOrDefault(Outcome.FAIL, 0L),
                outcomes.getOrDefault(Outcome.INFO, 0L), stats.okWrites(), nemesis.faults(),
                nemesis.longestRecovery().toMillis(), nemesis.meanRecovery().toMillis(), result.verdict());
    }

    static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }
}
