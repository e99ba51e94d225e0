package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's jar run three (and four) times with nothing but the seed's environment variables, driven over
 * HTTP as a user would.
 */
class SampleClusterIT {

    @TempDir
    Path dir;

    private final List<NodeProcess> processes = new ArrayList<>();

    private final Map<String, Integer> raftPorts = new LinkedHashMap<>();

    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();

    @AfterEach
    void stopAll() {
        processes.forEach(NodeProcess::close);
    }

    @Test
    void threeNodesFromSeedVariablesReplicateJoinAFourthAndKeepTheirDataAcrossSigterm() throws IOException {
        for (String id : List.of("node1", "node2", "node3")) {
            raftPorts.put(id, SampleJar.freePort());
            httpPorts.put(id, SampleJar.freePort());
        }
        String peers = raftPorts.entrySet()
            .stream()
            .map(entry -> entry.getKey() + "@127.0.0.1:" + entry.getValue())
            .collect(Collectors.joining(","));
        Map<String, NodeProcess> nodes = new LinkedHashMap<>();
        for (String id : raftPorts.keySet()) {
            nodes.put(id, start(id, clusterNode(id, peers)));
        }
        nodes.values().forEach(NodeProcess::awaitServing);
        String leader = AgreedLeader.awaitAmong(nodes.values());
        String follower = nodes.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();

        // Put on one node, get on the others.
        HttpJson.Response put = nodes.get("node1").http()
            .post("/key", "{\"user\":\"alice\",\"visits\":3,\"tags\":[\"a\",\"b\"],\"profile\":{\"age\":42}}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        for (NodeProcess node : nodes.values()) {
            assertThat(node.http().get("/key/user").body()).isEqualTo("\"alice\"");
            assertThat(node.http().get("/key/profile").json()).isEqualTo(HttpJson.JSON.readTree("{\"age\":42}"));
            assertThat(node.http().get("/key/unknown").body()).isEqualTo("null");
        }
        await().atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(nodes.get("node3").http().get("/key/visits?consistency=local").body())
                .isEqualTo("3"));

        // A follower's write is carried to the leader.
        assertThat(nodes.get(follower).http().post("/key", "{\"from-follower\":true}").status()).isEqualTo(200);
        assertThat(nodes.get(leader).http().get("/key/from-follower").body()).isEqualTo("true");
        assertThat(nodes.get(follower).http().delete("/key/visits").json().get("changed").asBoolean()).isTrue();
        assertThat(nodes.get(leader).http().get("/key/visits").body()).isEqualTo("null");

        // Status of every node agrees on the leader and the three voters.
        for (NodeProcess node : nodes.values()) {
            JsonNode status = node.http().get("/status").json();
            assertThat(status.get("nodeId").asString()).isEqualTo(node.name());
            assertThat(status.get("leader").get("id").asString()).isEqualTo(leader);
            assertThat(status.get("servers")).hasSize(3);
        }

        // Malformed requests: 4xx problem details with a message, on a real jar.
        assertMalformedRequestsAreRefused(nodes.get(follower).http());

        // A fourth node started empty (RAFT_BOOTSTRAP=false, relaxed binding) joins through a follower's /join.
        raftPorts.put("node4", SampleJar.freePort());
        httpPorts.put("node4", SampleJar.freePort());
        Map<String, String> node4Environment = clusterNode("node4", null);
        node4Environment.put("RAFT_BOOTSTRAP", "false");
        NodeProcess node4 = start("node4", node4Environment).awaitServing();
        nodes.put("node4", node4);
        assertThat(node4.http().get("/status").json().get("role").asString()).isEqualTo("INACTIVE");
        HttpJson.Response join = await().atMost(Duration.ofSeconds(30))
            .until(() -> nodes.get(follower).http().post("/join",
                    "{\"id\":\"node4\",\"addr\":\"127.0.0.1:" + raftPorts.get("node4") + "\"}"),
                    response -> response.status() == 200);
        assertThat(join.json().get("index").asLong()).isPositive();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(node4.http().get("/status").json().get("role").asString()).isEqualTo("FOLLOWER");
            assertThat(node4.http().get("/key/user?consistency=local").body()).isEqualTo("\"alice\"");
        });
        assertThat(nodes.get(leader).http().get("/status").json().get("servers")).hasSize(4);

        // A consistent backup, taken through a follower.
        HttpJson.Response backup = nodes.get(follower).http().get("/backup");
        assertThat(backup.status()).isEqualTo(200);
        assertThat(backup.json().get("entries").propertyNames()).containsExactly("from-follower", "profile", "tags",
                "user");
        Files.writeString(dir.resolve("backup.json"), backup.body());

        // Leadership transfer and removal, sent to a follower, run on the leader.
        String other = List.of("node1", "node2", "node3")
            .stream()
            .filter(id -> !id.equals(leader) && !id.equals(follower))
            .findFirst()
            .orElseThrow();
        HttpJson.Response transfer = nodes.get(other).http().post("/transfer-leadership?id=" + follower, null);
        assertThat(transfer.status()).as(transfer.toString()).isEqualTo(200);
        // While the leadership moves, the status names no leader for a moment (path(), not get()).
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nodes.get(other).http().get("/status")
            .json().path("leader").path("id").asString()).isEqualTo(follower));
        HttpJson.Response remove = nodes.get(other).http().post("/remove", "{\"id\":\"node4\"}");
        assertThat(remove.status()).as(remove.toString()).isEqualTo(200);
        assertThat(nodes.get(follower).http().get("/status").json().get("servers")).hasSize(3);
        assertThat(nodes.get(other).http().post("/remove", "{\"id\":\"node9\"}").status()).isEqualTo(404);

        // SIGTERM stops every node cleanly; restarted from their state directories alone, they have the data.
        assertThat(nodes.get(leader).http().post("/key", "{\"last-write\":\"before-sigterm\"}").status())
            .isEqualTo(200);
        for (NodeProcess node : nodes.values()) {
            assertThat(node.terminate()).as(node.name() + " exit code").isIn(0, 143);
            assertThat(node.output()).contains("Raft node '" + node.name() + "' stopped");
        }
        Map<String, NodeProcess> restarted = new LinkedHashMap<>();
        for (String id : List.of("node1", "node2", "node3")) {
            restarted.put(id, start(id, clusterNode(id, peers)));
        }
        restarted.values().forEach(NodeProcess::awaitServing);
        AgreedLeader.awaitAmong(restarted.values());
        for (NodeProcess node : restarted.values()) {
            // On failure, the node's last log lines say what it was waiting for (CI keeps no node logs).
            assertThat(node.http().get("/key/last-write").body()).as(() -> logTail(node))
                .isEqualTo("\"before-sigterm\"");
            assertThat(node.http().get("/key/user").body()).as(() -> logTail(node)).isEqualTo("\"alice\"");
        }
        assertThat(restarted.get(leader).output()).contains("Raft node '" + leader + "' listening");

        // Every log line names its node.
        assertThat(logLinesWithTimestamps(restarted.get("node2"))).allMatch(line -> line.contains("[node2]"));

        // Disaster: two of the three voters are lost for good. The survivor has no majority: linearizable requests
        // answer 503 with Retry-After, but its own copy can still be backed up.
        String survivor = restarted.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        restarted.values().stream().filter(node -> !node.name().equals(survivor)).limit(2).forEach(NodeProcess::close);
        HttpJson survivorHttp = restarted.get(survivor).http();
        HttpJson.Response refused = survivorHttp.post("/key", "{\"no\":\"majority\"}");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.json().get("reason").asString()).isIn("NO_LEADER", "TIMEOUT");
        assertThat(survivorHttp.get("/backup").status()).isEqualTo(503);
        HttpJson.Response rescue = survivorHttp.get("/backup?consistency=local");
        assertThat(rescue.status()).as(rescue.toString()).isEqualTo(200);
        assertThat(rescue.json().get("entries").propertyNames()).containsExactly("from-follower", "last-write",
                "profile", "tags", "user");

        // Both backups restore into a new, empty cluster that keeps nothing on disk (KV_STORE=memory).
        Path memoryState = dir.resolve("memory-node-state");
        Path scratch = Files.createDirectory(dir.resolve("memory-node-tmp"));
        httpPorts.put("fresh", SampleJar.freePort());
        raftPorts.put("fresh", SampleJar.freePort());
        Map<String, String> fresh = clusterNode("fresh", null);
        fresh.put("KV_STORE", "memory");
        fresh.put("STATE_DIR", memoryState.toString());
        NodeProcess freshNode = start("fresh", fresh, List.of("-Djava.io.tmpdir=" + scratch)).awaitServing();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> "LEADER".equals(freshNode.http().get("/status").json().get("role").asString()));
        HttpJson.Response restore = freshNode.http().post("/restore", Files.readString(dir.resolve("backup.json")));
        assertThat(restore.status()).as(restore.toString()).isEqualTo(200);
        assertThat(restore.json().get("restored").asInt()).isEqualTo(4);
        assertThat(freshNode.http().get("/key").json()).isEqualTo(backup.json().get("entries"));
        assertThat(freshNode.http().post("/restore", rescue.body()).status()).isEqualTo(409);
        assertThat(freshNode.http().post("/restore?force=true", rescue.body()).status()).isEqualTo(200);
        assertThat(freshNode.http().get("/key").json()).isEqualTo(rescue.json().get("entries"));
        assertThat(freshNode.terminate()).isIn(0, 143);
        assertThat(memoryState).doesNotExist();
        try (Stream<Path> files = Files.walk(scratch)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.contains("raft"));
        }
    }

    @Test
    void anInvalidSeedVariableFailsStartUpNamingIt() {
        httpPorts.put("bad", SampleJar.freePort());
        raftPorts.put("bad", SampleJar.freePort());
        Map<String, String> environment = clusterNode("bad", null);
        environment.put("KV_STORE", "redis");
        NodeProcess node = start("bad", environment);
        assertThat(node.waitForExit(Duration.ofSeconds(60))).isNotZero();
        assertThat(node.output()).contains("APPLICATION FAILED TO START")
            .contains("Invalid value 'redis' for environment variable KV_STORE")
            .contains("Set KV_STORE=boltdb");
    }

    @Test
    void aLargestEntryTheHeapCannotHoldFailsStartUpWithTheHeapItNeeds() {
        httpPorts.put("big", SampleJar.freePort());
        raftPorts.put("big", SampleJar.freePort());
        Map<String, String> environment = clusterNode("big", null);
        // The nodes run with -Xmx192m; before the check this start ended in an OutOfMemoryError opening the log.
        environment.put("RAFT_LIMITS_MAX_ENTRY_SIZE", "100MB");
        environment.put("RAFT_SNAPSHOT_SEGMENT_SIZE", "256MB");
        NodeProcess node = start("big", environment);
        assertThat(node.waitForExit(Duration.ofSeconds(60))).isNotZero();
        assertThat(node.output()).contains("APPLICATION FAILED TO START")
            .contains("Invalid value '100MB' for raft.limits.max-entry-size")
            .contains("a node needs about 4 times the largest entry in heap (400MB)")
            .contains("Lower raft.limits.max-entry-size to at most", "or give the JVM more heap, e.g. -Xmx450m")
            .doesNotContain("OutOfMemoryError");
    }

    private static void assertMalformedRequestsAreRefused(HttpJson http) {
        List<HttpJson.Response> responses = List.of(http.post("/key", "{\"a\":"), http.post("/key", "[1]"),
                http.post("/key", "{}"), http.post("/key", "{\"a\":null}"), http.post("/key", ""),
                http.get("/key/a?consistency=sometimes"), http.send("PUT", "/key/a", "1"), http.get("/no/such/path"),
                http.post("/join", "{\"id\":\"x\"}"), http.post("/join", "{\"id\":\"x\",\"addr\":\"nowhere\"}"),
                http.post("/restore", "{}"), http.post("/remove", "[]"));
        for (HttpJson.Response response : responses) {
            assertThat(response.status()).as(response.toString()).isBetween(400, 499);
            assertThat(response.contentType()).as(response.toString()).isEqualTo("application/problem+json");
            assertThat(response.json().get("detail").asString()).as(response.toString()).isNotBlank();
        }
    }

    /** The seed's environment variables for a node on loopback; {@code peers == null} leaves PEERS unset. */
    private Map<String, String> clusterNode(String id, String peers) {
        Map<String, String> environment = SampleJar.loopbackNode(id, dir.resolve(id), httpPorts.get(id),
                raftPorts.get(id), 0);
        if (peers != null) {
            environment.put("PEERS", peers);
        }
        SampleJar.putQuickTimings(environment);
        return environment;
    }

    private NodeProcess start(String id, Map<String, String> environment) {
        return start(id, environment, List.of());
    }

    private NodeProcess start(String id, Map<String, String> environment, List<String> jvmOptions) {
        NodeProcess node = new NodeProcess(id, environment, jvmOptions, dir).start();
        processes.add(node);
        return node;
    }

    private static String logTail(NodeProcess node) {
        List<String> lines = node.output().lines().toList();
        return node.name() + "'s last log lines:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static List<String> logLinesWithTimestamps(NodeProcess node) {
        return node.output().lines().filter(line -> line.matches("^\\d{4}-\\d{2}-\\d{2}T.*")).toList();
    }
}
