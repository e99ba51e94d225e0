package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;

import static org.awaitility.Awaitility.await;

/**
 * Injects one fault at a time into the sample processes, on a schedule and in turn: kill -9 of the leader, kill -9 of
 * a follower (each with a restart a few seconds later), and SIGSTOP of the leader with SIGCONT a few seconds later. After each fault it
 * measures the time to the next acknowledged write.
 */
final class Nemesis {

    private static final Logger logger = LoggerFactory.getLogger(Nemesis.class);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** How long a fault lasts, and the quiet time after it: the schedule, not a synchronisation. */
    private static final Duration FAULT_LENGTH = Duration.ofSeconds(3);

    private static final Duration QUIET = Duration.ofSeconds(2);

    /** Room after the last fault: its length, a restart, and the first acknowledged write after it. */
    private static final Duration RECOVERY_WINDOW = Duration.ofSeconds(45);

    private final List<NodeProcess> nodes;

    private final FaultClient.Stats stats;

    private final Set<NodeProcess> paused = new HashSet<>();

    private final Map<String, Integer> faults = new LinkedHashMap<>();

    private final List<Duration> recoveries = new ArrayList<>();

    private int round;

    Nemesis(List<NodeProcess> nodes, FaultClient.Stats stats) {
        this.nodes = nodes;
        this.stats = stats;
    }

    /**
     * Injects faults until {@code deadline}, when the clients stop: the last fault is injected early enough for its
     * recovery to be measured while they still write.
     */
    void runUntil(long deadline) throws InterruptedException {
        long lastInjection = deadline - RECOVERY_WINDOW.toNanos();
        while (true) {
            pause(QUIET);
            if (System.nanoTime() - lastInjection > 0) {
                return;
            }
            Optional<NodeProcess> leader = leader();
            // In turn, so that even the short run sees each kind: leader kill, follower kill, leader freeze.
            int kind = round++ % 3;
            NodeProcess target = (kind == 1 || leader.isEmpty()) ? follower(leader) : leader.get();
            long injected = System.nanoTime();
            stats.faultInjected(injected);
            switch (kind) {
                case 0, 1 -> {
                    String fault = "kill -9 " + (leader.isPresent() && target == leader.get() ? "leader" : "follower");
                    count(fault);
                    logger.info("Nemesis: {} ({})", fault, target.name());
                    target.kill();
                    pause(FAULT_LENGTH);
                    target.start().awaitServing();
                }
                default -> {
                    count("SIGSTOP leader");
                    logger.info("Nemesis: SIGSTOP {} for {}", target.name(), FAULT_LENGTH);
                    target.pause();
                    paused.add(target);
                    pause(FAULT_LENGTH);
                    target.resume();
                    paused.remove(target);
                }
            }
            recoveries.add(timeToNextAcknowledgedWrite(injected));
        }
    }

    /** Resumes paused nodes and restarts dead ones, so that the final reads reach every node. */
    void healAll() {
        for (NodeProcess node : nodes) {
            if (paused.remove(node)) {
                node.resume();
            }
            if (!node.isAlive()) {
                node.start().awaitServing();
            }
        }
    }

    Map<String, Integer> faults() {
        return faults;
    }

    Duration longestRecovery() {
        return recoveries.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    Duration meanRecovery() {
        return recoveries.isEmpty() ? Duration.ZERO
                : recoveries.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(recoveries.size());
    }

    private Duration timeToNextAcknowledgedWrite(long injected) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> stats.firstAckAfterFault() != 0);
            return Duration.ofNanos(stats.firstAckAfterFault() - injected);
        }
        catch (ConditionTimeoutException ex) {
            return Duration.ofSeconds(60);
        }
    }

    private void count(String fault) {
        faults.merge(fault, 1, Integer::sum);
    }

    private NodeProcess follower(Optional<NodeProcess> leader) {
        List<NodeProcess> followers = nodes.stream().filter(node -> leader.map(l -> l != node).orElse(true)).toList();
        return followers.get(FaultSuiteIT.random(followers.size()));
    }

    /** The node that says it leads and that the others follow, if one does now. */
    private Optional<NodeProcess> leader() {
        for (NodeProcess node : nodes) {
            JsonNode status = status(node);
            if (status != null && "LEADER".equals(status.path("role").asString())) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    private static JsonNode status(NodeProcess node) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.http().base()
                    + "/status")).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return (response.statusCode() == 200) ? HttpJson.JSON.readTree(response.body()) : null;
        }
        catch (IOException ex) {
            return null;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits out part of the schedule (a fault's length, the quiet time between faults). */
    private static void pause(Duration length) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(length.toMillis());
    }
}
