package io.github.raftspringboot.sample.it;

import java.net.InetSocketAddress;
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

import io.github.raftspringboot.test.fault.NetworkPartitioner;
import io.github.raftspringboot.test.history.CheckResult;
import io.github.raftspringboot.test.history.History;
import io.github.raftspringboot.test.history.HistoryRecorder;
import io.github.raftspringboot.test.history.LinearizabilityChecker;
import io.github.raftspringboot.test.history.Operation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite: a cluster of sample processes ({@code java -jar}, as users run them) under concurrent load from
 * several clients on every node, while a nemesis kills (-9) and restarts nodes, freezes (SIGSTOP/SIGCONT) the leader,
 * partitions the network through a proxy on every peer link (leader isolated, leader in a minority, bridge, one-way)
 * removes and re-adds a follower in the middle of a partition, and takes snapshots on every node
 * ({@link NemesisKind}). Every operation is recorded (invoke, then ok / fail / info) and the history is checked for
 * linearizability per key. Lost acknowledged writes show up as violations too: a later read that misses one cannot be linearized.
 * <p>
 * The CI variant runs 3 nodes for {@code faults.duration} (default 120 s) with every nemesis in turn; the long one is
 * documented in docs/reliability.md ({@code -Dfaults.nodes=5 -Dfaults.duration=10m}); {@code -Dfaults.nemeses=}
 * picks kinds (e.g. {@code isolate-leader,bridge}). The figures are printed per kind of fault.
 */
class FaultSuiteIT {

    private static final Logger logger = LoggerFactory.getLogger(FaultSuiteIT.class);

    private final List<NodeProcess> nodes = new ArrayList<>();

    private NetworkPartitioner network;

    @TempDir
    Path dir;

    @AfterEach
    void stopNodes() {
        nodes.forEach(NodeProcess::close);
        if (network != null) {
            network.close();
        }
    }

    @Test
    void historiesStayLinearizableUnderKillsPausesPartitionsAndMembershipChanges() throws Exception {
        int size = Integer.getInteger("faults.nodes", 3);
        Duration duration = Duration.parse("PT" + System.getProperty("faults.duration", "120s").toUpperCase());
        int clients = Integer.getInteger("faults.clients", 8);
        List<NemesisKind> kinds = NemesisKind.parse(System.getProperty("faults.nemeses", "all"));
        startCluster(size);

        HistoryRecorder recorder = new HistoryRecorder();
        long deadline = System.nanoTime() + duration.toNanos();
        FaultClient.Stats stats = new FaultClient.Stats();
        ExecutorService pool = Executors.newFixedThreadPool(clients + size);
        for (int c = 0; c < clients; c++) {
            pool.submit(new FaultClient("c" + c, nodes, recorder, stats, deadline));
        }
        // One more client per node, talking only to it: while a frozen node holds the requests of every random client
        // that picked it (up to the 4 s client timeout), these show when the rest of the cluster serves again.
        for (NodeProcess node : nodes) {
            pool.submit(new FaultClient("p-" + node.name(), List.of(node), recorder, stats, deadline));
        }
        FaultActions actions = new FaultActions(nodes, network);
        Nemesis nemesis = new Nemesis(actions, kinds, stats);
        nemesis.runUntil(deadline);
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("clients finished").isTrue();

        actions.healAll();
        FaultClient.finalReads("final", nodes, recorder);

        History history = recorder.history();
        CheckResult result = new LinearizabilityChecker(Duration.ofMinutes(2)).check(history);
        List<Operation> lost = LostWrites.in(history, "final");
        String report = NemesisReport.render(String.format("Fault suite: %d nodes, %s of faults, %d clients and one per node, "
                + "acknowledged writes %d", size, duration, clients, stats.okWrites()), history, result, lost, nemesis);
        logger.info("{}", report);
        assertThat(stats.okWrites()).as("acknowledged writes").isPositive();
        assertThat(lost).as(report + "\nlost acknowledged writes").isEmpty();
        assertThat(result.isLinearizable()).as(report + "\n" + result.explanation()).isTrue();
        assertThat(nemesis.longestRecovery()).as("longest time from a fault to the next acknowledged write")
            .isLessThan(Duration.ofSeconds(30));
    }

    /**
     * Starts the nodes behind one proxy per directed link (in this JVM): each node dials each peer through its own
     * proxy, set by {@code raft.transport.dial-overrides} as users would set it for a NAT or a tunnel.
     */
    private void startCluster(int size) throws java.io.IOException {
        Map<String, Integer> raftPorts = new LinkedHashMap<>();
        for (int i = 1; i <= size; i++) {
            raftPorts.put("node" + i, SampleJar.freePort());
        }
        network = NetworkPartitioner.start(raftPorts.values().stream()
            .map(port -> new InetSocketAddress("127.0.0.1", port))
            .toList());
        List<String> ids = List.copyOf(raftPorts.keySet());
        String peers = String.join(",", raftPorts.entrySet().stream()
            .map(entry -> entry.getKey() + "@127.0.0.1:" + entry.getValue())
            .toList());
        for (Map.Entry<String, Integer> entry : raftPorts.entrySet()) {
            // The default timings (election timeout 500 ms, heartbeat 100 ms).
            Map<String, String> environment = SampleJar.loopbackNode(entry.getKey(), dir.resolve(entry.getKey()),
                    SampleJar.freePort(), entry.getValue(), SampleJar.freePort());
            environment.put("PEERS", peers);
            environment.put("SPRING_GRPC_SERVER_ADDRESS", "127.0.0.1");
            int from = ids.indexOf(entry.getKey());
            List<String> dialOverrides = new ArrayList<>();
            for (int to = 0; to < ids.size(); to++) {
                if (to != from) {
                    dialOverrides.add("-Draft.transport.dial-overrides." + ids.get(to) + "=127.0.0.1:"
                            + network.peerAddress(from, to).getPort());
                }
            }
            nodes.add(new NodeProcess(entry.getKey(), environment, dialOverrides, logs()));
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

    static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }
}
