package io.github.raftspringboot.sample.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases and locks across a leader killed with SIGKILL, on three processes of the sample's jar: the lease outlives the
 * leader and expires no earlier than its TTL after the last keep-alive, its key vanishing on every survivor; a lock
 * whose holder stops keeping it alive goes to the next holder with a higher fencing token.
 */
class LeaseKillIT {

    private static final Duration TTL = Duration.ofSeconds(4);

    @TempDir
    Path dir;

    private final List<NodeProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(NodeProcess::close);
    }

    @Test
    void aLeaseOutlivesAKilledLeaderAndThenExpiresNotBeforeItsTtl() {
        Map<String, Integer> raftPorts = new LinkedHashMap<>();
        for (String id : List.of("node1", "node2", "node3")) {
            raftPorts.put(id, SampleJar.freePort());
        }
        String peers = raftPorts.entrySet().stream().map(entry -> entry.getKey() + "@127.0.0.1:" + entry.getValue())
            .collect(Collectors.joining(","));
        Map<String, NodeProcess> nodes = new LinkedHashMap<>();
        raftPorts.forEach((id, raftPort) -> nodes.put(id, start(id, raftPort, peers)));
        nodes.values().forEach(NodeProcess::awaitServing);
        String leader = AgreedLeader.awaitAmong(nodes.values());
        List<NodeProcess> survivors = nodes.values().stream().filter(node -> !node.name().equals(leader)).toList();
        HttpJson client = survivors.get(0).http();

        long lease = client.post("/lease", "{\"ttl\":\"" + TTL.toSeconds() + "s\"}").json().get("id").asLong();
        assertThat(client.post("/key?lease=" + lease, "{\"ephemeral\":\"alive\"}").status()).isEqualTo(200);
        JsonNode lock = client.post("/lock/report?lease=" + lease, null).json();
        long firstToken = lock.get("fencingToken").asLong();
        long lastKeepAlive = System.nanoTime();
        assertThat(client.post("/lease/" + lease + "/keepalive", null).status()).isEqualTo(200);

        nodes.get(leader).kill();
        long vanished = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (NodeProcess node : survivors) {
                if (!"null".equals(node.http().get("/key/ephemeral?consistency=local").body())) {
                    return 0L;
                }
            }
            return System.nanoTime();
        }, at -> at != 0L);
        assertThat(Duration.ofNanos(vanished - lastKeepAlive)).as("lifetime after the last keep-alive")
            .isGreaterThanOrEqualTo(TTL);
        assertThat(client.post("/lease/" + lease + "/keepalive", null).status()).isEqualTo(404);

        // The dead holder's lock went with its lease: the next holder's token is higher.
        HttpJson.Response next = survivors.get(1).http().post("/lock/report", null);
        assertThat(next.status()).as(next.toString()).isEqualTo(200);
        assertThat(next.json().get("fencingToken").asLong()).isGreaterThan(firstToken);
    }

    private NodeProcess start(String id, int raftPort, String peers) {
        Map<String, String> environment = SampleJar.loopbackNode(id, dir.resolve(id), SampleJar.freePort(), raftPort,
                0);
        environment.put("PEERS", peers);
        SampleJar.putQuickTimings(environment);
        NodeProcess node = new NodeProcess(id, environment, dir).start();
        processes.add(node);
        return node;
    }
}
