package io.github.raftspringboot.sample.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fail-over as a client sees it, with the default timings: the leader killed with SIGKILL, a write sent through a
 * follower at once is acknowledged by the new leader while the old one is still dead; and a
 * follower frozen past its election timeout does not depose the healthy leader when it wakes up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {

    @TempDir
    static Path dir;

    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();

    @AfterAll
    void stopAll() {
        nodes.values().forEach(NodeProcess::close);
    }

    @Test
    @Order(2)
    void aWriteThroughAFollowerIsAcknowledgedByTheNewLeaderAfterTheLeaderIsKilled() {
        String leader = awaitLeader();
        String follower = other(leader, null);
        NodeProcess writer = nodes.get(follower);
        assertThat(writer.http().post("/key", "{\"before\":1}").status()).isEqualTo(200);
        long term = term(writer);

        nodes.get(leader).kill();
        HttpJson.Response write = writer.http().post("/key", "{\"after\":2}");

        assertThat(write.status()).as(write.toString()).isEqualTo(200);
        assertThat(nodes.get(leader).isAlive()).as("the old leader is still dead").isFalse();
        JsonNode status = writer.http().statusOrNull();
        assertThat(status.get("leader").get("id").asString()).isIn(follower, other(leader, follower));
        assertThat(status.get("term").asLong()).isGreaterThan(term);
        assertThat(writer.http().get("/key/after").body().trim()).isEqualTo("2");
    }

    @Test
    @Order(1)
    void aFollowerFrozenPastItsElectionTimeoutDoesNotDeposeTheLeader() {
        String leader = awaitLeader();
        NodeProcess frozen = nodes.get(other(leader, null));
        long term = term(nodes.get(leader));

        frozen.pause();
        try {
            // Writes while it is frozen: the leader keeps committing with the other follower.
            for (int i = 0; i < 5; i++) {
                HttpJson.Response write = nodes.get(leader).http().post("/key", "{\"frozen-" + i + "\":" + i + "}");
                assertThat(write.status()).as(write.toString()).isEqualTo(200);
            }
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
        }
        finally {
            frozen.resume(); // the next case needs all three nodes
        }

        // It wakes up past its election timeout: it catches up under the same leader, in the same term. (This also
        // passed with the pre-vote's leader stickiness switched off: the appends waiting for it seem to reset its
        // timer first; what it does guard is the leader's own writes while a follower is frozen, which used to wait
        // for the request timeout when the node's client was pinned to that follower.)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
            .until(() -> frozen.http().get("/key/frozen-4?consistency=local").body().trim().equals("4"));
        assertThat(awaitLeader()).isEqualTo(leader);
        assertThat(term(nodes.get(leader))).as("the leader's term").isEqualTo(term);
    }

    /**
     * One cluster for both cases (three JVMs take 10-20 s to start on two cores): the frozen follower first, as it
     * leaves all three nodes running under one leader; the killed leader last.
     */
    @BeforeAll
    void startCluster() {
        Map<String, Integer> raftPorts = new LinkedHashMap<>();
        for (String id : List.of("node1", "node2", "node3")) {
            raftPorts.put(id, SampleJar.freePort());
        }
        String peers = raftPorts.entrySet()
            .stream()
            .map(entry -> entry.getKey() + "@127.0.0.1:" + entry.getValue())
            .collect(Collectors.joining(","));
        for (String id : raftPorts.keySet()) {
            Map<String, String> environment = SampleJar.loopbackNode(id, dir.resolve(id), SampleJar.freePort(),
                    raftPorts.get(id), 0);
            environment.put("PEERS", peers);
            // No timing settings: the defaults are what this test is about.
            nodes.put(id, new NodeProcess(id, environment, dir).start());
        }
        nodes.values().forEach(NodeProcess::awaitServing);
    }

    /** Waits until one node leads and every running node follows it; returns the leader's id. */
    private String awaitLeader() {
        List<NodeProcess> running = new ArrayList<>(nodes.values().stream().filter(NodeProcess::isAlive).toList());
        return AgreedLeader.awaitAmong(running);
    }

    private String other(String first, String second) {
        return nodes.keySet().stream().filter(id -> !id.equals(first) && !id.equals(second)).findFirst()
            .orElseThrow();
    }

    private static long term(NodeProcess node) {
        return node.http().statusOrNull().get("term").asLong();
    }
}
