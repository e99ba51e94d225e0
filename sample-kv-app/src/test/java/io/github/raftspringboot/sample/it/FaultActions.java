package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.test.fault.NetworkPartitioner;

import static org.awaitility.Awaitility.await;

/**
 * Injects one fault of a given kind into the sample processes and undoes it after {@link #FAULT_LENGTH}: kills and
 * restarts, SIGSTOP/SIGCONT, partitions through the per-link proxies of a {@link NetworkPartitioner} (node {@code i} of
 * the list is its node {@code i}), a membership change in the middle of a partition, and snapshots under load.
 */
final class FaultActions {

    private static final Logger logger = LoggerFactory.getLogger(FaultActions.class);

    /** How long a fault lasts: the schedule, not a synchronisation. */
    static final Duration FAULT_LENGTH = Duration.ofSeconds(3);

    private static final HttpClient STATUS_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
        .build();

    private final List<NodeProcess> nodes;

    private final NetworkPartitioner network;

    private final Set<NodeProcess> paused = new HashSet<>();

    FaultActions(List<NodeProcess> nodes, NetworkPartitioner network) {
        this.nodes = nodes;
        this.network = network;
    }

    /** Injects {@code kind} (with the leader seen just before, if any), waits out the fault and undoes it. */
    void inject(NemesisKind kind, Optional<NodeProcess> leader) throws InterruptedException {
        NodeProcess target = leader.orElseGet(() -> randomOf(nodes));
        NodeProcess follower = randomOf(others(target));
        switch (kind) {
            case KILL_LEADER -> killAndRestart(target);
            case KILL_FOLLOWER -> killAndRestart(follower);
            case PAUSE_LEADER -> {
                target.pause();
                paused.add(target);
                hold();
                target.resume();
                paused.remove(target);
            }
            case ISOLATE_LEADER -> {
                network.isolate(index(target));
                hold();
                network.heal();
            }
            case MINORITY_LEADER -> {
                List<Integer> side = new ArrayList<>(List.of(index(target)));
                List<NodeProcess> rest = others(target);
                for (int i = 0; side.size() < (nodes.size() - 1) / 2; i++) {
                    side.add(index(rest.get(i)));
                }
                network.split(side);
                hold();
                network.heal();
            }
            case BRIDGE -> {
                network.bridge(index(follower));
                hold();
                network.heal();
            }
            case ONE_WAY -> {
                network.oneWay(index(target), index(follower));
                hold();
                network.heal();
            }
            case MEMBERSHIP -> membershipDuringPartition(target, follower);
            case SNAPSHOTS -> snapshotsEverywhere(target);
        }
    }

    /**
     * Asks the leader, then each follower, for a snapshot (the node writes it and compacts its log up to it), three
     * times over the fault's length: requests are in flight on every node meanwhile.
     */
    private void snapshotsEverywhere(NodeProcess leader) throws InterruptedException {
        List<NodeProcess> order = new ArrayList<>(List.of(leader));
        order.addAll(others(leader));
        int rounds = 3;
        for (int round = 0; round < rounds; round++) {
            for (NodeProcess node : order) {
                attempt(List.of(node), "/actuator/raft/snapshot", null);
            }
            TimeUnit.MILLISECONDS.sleep(FAULT_LENGTH.toMillis() / rounds);
        }
    }

    /**
     * Cuts {@code removed} off, removes it through the leader, hands the leadership to another voter while it is still
     * cut off, heals, and adds it back at its address; the next faults find the cluster whole again.
     */
    private void membershipDuringPartition(NodeProcess leader, NodeProcess removed) throws InterruptedException {
        network.isolate(index(removed));
        List<NodeProcess> reachable = others(removed);
        boolean wasRemoved = attempt(reachable, "/remove", "{\"id\":\"" + removed.name() + "\"}");
        List<NodeProcess> successors = reachable.stream().filter(node -> node != leader).toList();
        if (!successors.isEmpty()) {
            attempt(reachable, "/transfer-leadership?id=" + successors.get(0).name(), null);
        }
        hold();
        network.heal();
        if (wasRemoved) {
            String join = "{\"id\":\"" + removed.name() + "\",\"addr\":\"" + removed.raftAddress() + "\"}";
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> attempt(nodes, "/join", join));
            }
            catch (ConditionTimeoutException ex) {
                throw new AssertionError("Could not add " + removed.name() + " back after removing it during a "
                        + "partition", ex);
            }
        }
    }

    /** POSTs to the first of {@code candidates} that answers 200; whether one did. */
    private static boolean attempt(List<NodeProcess> candidates, String path, String json) {
        for (NodeProcess node : candidates) {
            try {
                HttpJson.Response response = node.http().post(path, json);
                logger.info("Nemesis: POST {} {} on {}: {}", path, (json != null) ? json : "", node.name(), response);
                if (response.status() == 200) {
                    return true;
                }
            }
            catch (RuntimeException ex) {
                logger.info("Nemesis: POST {} on {} failed: {}", path, node.name(), ex.toString());
            }
        }
        return false;
    }

    private void killAndRestart(NodeProcess node) throws InterruptedException {
        node.kill();
        hold();
        node.start().awaitServing();
    }

    /** Resumes paused nodes, heals the network and restarts dead nodes, so that the final reads reach every node. */
    void healAll() {
        for (NodeProcess node : nodes) {
            if (paused.remove(node)) {
                node.resume();
            }
        }
        network.heal();
        for (NodeProcess node : nodes) {
            if (!node.isAlive()) {
                node.start().awaitServing();
            }
        }
    }

    /** The node that says it leads, if one does now. */
    Optional<NodeProcess> leader() {
        for (NodeProcess node : nodes) {
            JsonNode status = status(node);
            if (status != null && "LEADER".equals(status.path("role").asString())) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /** A short time-out: a frozen node must not hold the nemesis up. */
    private static JsonNode status(NodeProcess node) {
        try {
            HttpResponse<String> response = STATUS_CLIENT.send(HttpRequest.newBuilder(URI.create(node.http().base()
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

    private int index(NodeProcess node) {
        return nodes.indexOf(node);
    }

    private List<NodeProcess> others(NodeProcess node) {
        return nodes.stream().filter(other -> other != node).toList();
    }

    private static NodeProcess randomOf(List<NodeProcess> candidates) {
        return candidates.get(FaultSuiteIT.random(candidates.size()));
    }

    private static void hold() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(FAULT_LENGTH.toMillis());
    }
}
