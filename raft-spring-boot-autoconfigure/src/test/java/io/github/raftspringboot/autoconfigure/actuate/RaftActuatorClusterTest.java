package io.github.raftspringboot.autoconfigure.actuate;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Suffrage;
import io.github.raftspringboot.autoconfigure.actuate.HttpNodes.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code raft} endpoint, health, info and meters of a real 3-node cluster of web applications, over HTTP.
 * One cluster for the class; the tests run in order and the last one takes the quorum away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaftActuatorClusterTest {

    private static final Duration GRACE = Duration.ofSeconds(3);

    @TempDir
    static Path dir;

    HttpNodes nodes;

    @BeforeAll
    void startCluster() {
        nodes = new HttpNodes(dir, 3, Map.of("raft.health.leader-grace-period", GRACE.toMillis() + "ms",
                "raft.snapshot.segment-size", "64KB", "raft.limits.max-entry-size", "16KB")).startAll();
    }

    @AfterAll
    void stopCluster() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    @Order(1)
    void everyReadFieldIsRightOnTheLeaderAndTheFollowers() {
        String leader = nodes.awaitLeader();
        long written = nodes.store(leader).put("read-fields", "x").index();
        await().atMost(Duration.ofSeconds(10))
            .until(() -> nodes.running().stream().allMatch(id -> nodes.node(id).status().appliedIndex() >= written));
        for (String id : nodes.running()) {
            JsonNode raft = ok(nodes.get(id, "/actuator/raft"));
            RaftNodeStatus status = nodes.node(id).status();
            boolean isLeader = id.equals(leader);
            assertThat(raft.get("nodeId").asString()).isEqualTo(id);
            assertThat(raft.get("address").asString()).isEqualTo(nodes.raftAddress(id));
            assertThat(raft.get("role").asString()).isEqualTo(isLeader ? "LEADER" : "FOLLOWER");
            assertThat(raft.get("term").asLong()).isEqualTo(nodes.node(leader).status().term()).isPositive();
            assertThat(raft.get("leader").get("id").asString()).isEqualTo(leader);
            assertThat(raft.get("leader").get("address").asString()).isEqualTo(nodes.raftAddress(leader));
            assertThat(raft.get("leader").get("local").asBoolean()).isEqualTo(isLeader);
            assertThat(raft.get("commitIndex").asLong()).isGreaterThanOrEqualTo(written);
            assertThat(raft.get("appliedIndex").asLong()).isGreaterThanOrEqualTo(written);
            assertThat(raft.get("lastLogIndex").asLong()).isGreaterThanOrEqualTo(written);
            assertThat(raft.get("lastLogTerm").asLong()).isEqualTo(raft.get("term").asLong());
            assertThat(raft.get("lastSnapshotIndex").asLong()).isEqualTo(status.lastSnapshotIndex());
            assertThat(raft.get("lastSnapshotTerm").asLong()).isEqualTo(status.lastSnapshotTerm());
            if (isLeader) {
                assertThat(raft.get("lastContact").isNull()).isTrue();
                assertThat(raft.get("millisSinceLastContact").asLong()).isZero();
            }
            else {
                assertThat(raft.get("lastContact").asString()).isNotBlank();
                // Heartbeats every 100 ms: a follower has heard from the leader very recently.
                assertThat(raft.get("millisSinceLastContact").asLong()).isBetween(0L, 5_000L);
            }
            assertThat(raft.get("configuration").get("index").asLong()).isEqualTo(status.configurationIndex());
            assertThat(servers(raft.get("configuration"))).containsExactly(
                    new RaftServerInfo("node1", nodes.raftAddress("node1"), Suffrage.VOTER),
                    new RaftServerInfo("node2", nodes.raftAddress("node2"), Suffrage.VOTER),
                    new RaftServerInfo("node3", nodes.raftAddress("node3"), Suffrage.VOTER));
            JsonNode stats = raft.get("stats");
            assertThat(stats.get("state").asString()).isEqualTo(isLeader ? "Leader" : "Follower");
            assertThat(stats.get("term").asString()).isEqualTo(raft.get("term").asString());
            assertThat(stats.get("num_peers").asString()).isEqualTo("2");
        }
    }

    @Test
    @Order(2)
    void configurationLeaderAndStatsAreServedOnTheirOwn() {
        String leader = nodes.awaitLeader();
        for (String id : nodes.running()) {
            JsonNode whole = ok(nodes.get(id, "/actuator/raft"));
            assertThat(ok(nodes.get(id, "/actuator/raft/configuration"))).isEqualTo(whole.get("configuration"));
            JsonNode leaderPart = ok(nodes.get(id, "/actuator/raft/leader"));
            assertThat(leaderPart.get("id").asString()).isEqualTo(leader);
            assertThat(leaderPart.get("address").asString()).isEqualTo(nodes.raftAddress(leader));
            assertThat(leaderPart.get("local").asBoolean()).isEqualTo(id.equals(leader));
            assertThat(ok(nodes.get(id, "/actuator/raft/stats")).get("state").asString())
                .isEqualTo(id.equals(leader) ? "Leader" : "Follower");
        }
    }

    @Test
    @Order(3)
    void malformedRequestsAreRefusedWith400AndAMessage() {
        String follower = nodes.follower(nodes.awaitLeader());
        assertBadRequest(nodes.post(follower, "/actuator/raft/add-learner", "{}"), "Unknown operation 'add-learner'");
        assertBadRequest(nodes.post(follower, "/actuator/raft/add-voter", "{\"address\":\"127.0.0.1:1\"}"),
                "'id' is missing");
        assertBadRequest(nodes.post(follower, "/actuator/raft/add-voter", "{\"id\":\"node9\"}"),
                "'address' is missing");
        assertBadRequest(nodes.post(follower, "/actuator/raft/add-voter",
                "{\"id\":\"node9\",\"address\":\"no-port\"}"), "must have the form host:port");
        assertBadRequest(nodes.post(follower, "/actuator/raft/add-non-voter",
                "{\"id\":\"bad id!\",\"address\":\"127.0.0.1:1\"}"), "is not a valid node id");
        assertBadRequest(nodes.post(follower, "/actuator/raft/demote", "{\"id\":\"node2\",\"previousIndex\":\"x\"}"),
                "'previousIndex' must be a log index");
        assertBadRequest(nodes.post(follower, "/actuator/raft/demote", "{\"id\":\"node2\",\"previousIndex\":-1}"),
                "'previousIndex' must be a log index");
        assertBadRequest(nodes.get(follower, "/actuator/raft/everything"), "Unknown part 'everything'");
        assertBadRequest(nodes.delete(follower, "/actuator/raft/nodes/node2"), "DELETE /actuator/raft/servers/{id}");
        // Bodies that are not JSON objects never reach the endpoint: Spring MVC answers 400 itself.
        assertThat(nodes.post(follower, "/actuator/raft/add-voter", "{not json").status()).isEqualTo(400);
        assertThat(nodes.post(follower, "/actuator/raft/add-voter", "[1,2]").status()).isEqualTo(400);

        Response unknown = nodes.delete(follower, "/actuator/raft/servers/ghost");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asString()).isEqualTo("UNKNOWN_SERVER");
        assertThat(unknown.json().get("message").asString()).contains("ghost");
        // Nothing changed.
        assertThat(nodes.node(follower).status().servers()).hasSize(3);
    }

    @Test
    @Order(4)
    void membershipOperationsSentToAFollowerAreCarriedToTheLeader() {
        String leader = nodes.awaitLeader();
        String follower = nodes.follower(leader);
        nodes.store(leader).put("before-join", 42);
        String address = nodes.raftAddress("node4");
        nodes.start("node4", Map.of("raft.bootstrap", "false"));

        JsonNode added = ok(nodes.post(follower, "/actuator/raft/add-non-voter",
                "{\"id\":\"node4\",\"address\":\"" + address + "\"}"));
        assertThat(added.get("operation").asString()).isEqualTo("add-non-voter");
        assertThat(added.get("index").asLong()).isPositive();
        awaitServer("node4", address, Suffrage.NONVOTER);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(nodes.node("node4").status().role()).isEqualTo(RaftRole.NON_VOTER);
            assertThat(nodes.store("node4").get("before-join", ReadConsistency.LOCAL)).isPresent();
        });

        long configIndex = ok(nodes.get(leader, "/actuator/raft/configuration")).get("index").asLong();
        Response stale = nodes.post(follower, "/actuator/raft/promote",
                "{\"id\":\"node4\",\"previousIndex\":" + (configIndex - 1) + "}");
        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.json().get("error").asString()).isEqualTo("CONFIGURATION_CHANGED");

        ok(nodes.post(follower, "/actuator/raft/promote", "{\"id\":\"node4\",\"previousIndex\":" + configIndex + "}"));
        awaitServer("node4", address, Suffrage.VOTER);
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(nodes.node("node4").status().role()).isEqualTo(RaftRole.FOLLOWER));
        // A voter now: writes through node4 are committed by the cluster and visible everywhere.
        nodes.store("node4").put("from-node4", "hello");
        assertThat(nodes.store(leader).get("from-node4")).isPresent();

        Response promotedAgain = nodes.post(follower, "/actuator/raft/promote", "{\"id\":\"node4\"}");
        assertThat(promotedAgain.status()).isEqualTo(409);
        assertThat(promotedAgain.json().get("message").asString()).contains("already a voter");

        ok(nodes.post(follower, "/actuator/raft/demote", "{\"id\":\"node4\"}"));
        awaitServer("node4", address, Suffrage.NONVOTER);
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(nodes.node("node4").status().role()).isEqualTo(RaftRole.NON_VOTER));

        JsonNode removed = ok(nodes.delete(follower, "/actuator/raft/servers/node4"));
        assertThat(removed.get("operation").asString()).isEqualTo("remove-server");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(servers(ok(nodes.get(leader, "/actuator/raft/configuration"))))
                .extracting(RaftServerInfo::id)
                .containsExactly("node1", "node2", "node3");
            assertThat(servers(ok(nodes.get(follower, "/actuator/raft/configuration"))))
                .extracting(RaftServerInfo::id)
                .containsExactly("node1", "node2", "node3");
        });
        nodes.store(leader).put("after-removal", 1);
        assertThat(nodes.store("node4").get("after-removal", ReadConsistency.LOCAL)).isEmpty();
        nodes.stop("node4");

        // add-voter adds a voter in one step.
        String address5 = nodes.raftAddress("node5");
        nodes.start("node5", Map.of("raft.bootstrap", "false"));
        ok(nodes.post(follower, "/actuator/raft/add-voter", "{\"id\":\"node5\",\"address\":\"" + address5 + "\"}"));
        awaitServer("node5", address5, Suffrage.VOTER);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(nodes.node("node5").status().role()).isEqualTo(RaftRole.FOLLOWER);
            assertThat(nodes.store("node5").get("after-removal", ReadConsistency.LOCAL)).isPresent();
        });
        ok(nodes.delete(follower, "/actuator/raft/servers/node5?previousIndex="
                + nodes.node(leader).status().configurationIndex()));
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(nodes.node(leader).status().servers()).hasSize(3));
        nodes.stop("node5");
    }

    @Test
    @Order(5)
    void leadershipMovesToANamedServerAndToAnyServerWithoutHealthFlapping() throws InterruptedException {
        String leader = nodes.awaitLeader();
        String target = nodes.follower(leader);
        List<String> downs = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                for (String id : nodes.running()) {
                    Response health = nodes.get(id, "/actuator/health/raft");
                    if (health.status() != 200) {
                        downs.add(id + ": " + health);
                    }
                }
            }
        });
        watcher.start();
        try {
            JsonNode named = ok(nodes.post(leader, "/actuator/raft/transfer-leadership",
                    "{\"id\":\"" + target + "\"}"));
            assertThat(named.get("operation").asString()).isEqualTo("transfer-leadership");
            assertThat(nodes.awaitLeader()).isEqualTo(target);
            assertThat(ok(nodes.get(leader, "/actuator/raft/leader")).get("id").asString()).isEqualTo(target);

            // Sent to a follower: carried to the leader, which hands over to some other voter.
            String follower = nodes.follower(target);
            ok(nodes.post(follower, "/actuator/raft/transfer-leadership", "{}"));
            await().atMost(Duration.ofSeconds(20)).until(() -> !target.equals(nodes.awaitLeader()));
        }
        finally {
            watching.set(false);
            watcher.join();
        }
        assertThat(downs).as("health must stay UP through a normal election").isEmpty();
    }

    @Test
    @Order(6)
    void aSnapshotIsTakenByTheNodeThatReceivesTheRequest() {
        String leader = nodes.awaitLeader();
        String follower = nodes.follower(leader);
        // More than one 64 KB log segment, so that there is something to compact.
        String value = "v".repeat(1024);
        for (int i = 0; i < 150; i++) {
            nodes.store(leader).put("snapshot-" + i, value);
        }
        long applied = nodes.store(leader).put("snapshot-last", 1).index();
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.node(follower).status().appliedIndex() >= applied);

        JsonNode snapshot = ok(nodes.post(follower, "/actuator/raft/snapshot", "{}"));
        assertThat(snapshot.get("operation").asString()).isEqualTo("snapshot");
        long index = snapshot.get("index").asLong();
        assertThat(index).isPositive().isLessThanOrEqualTo(nodes.node(follower).status().appliedIndex());
        JsonNode raft = ok(nodes.get(follower, "/actuator/raft"));
        assertThat(raft.get("lastSnapshotIndex").asLong()).isGreaterThanOrEqualTo(index);
        assertThat(raft.get("lastSnapshotTerm").asLong()).isPositive();
        assertThat(metric(follower, "raft.snapshot.last.index")).isGreaterThanOrEqualTo(index);
    }

    @Test
    @Order(7)
    void metricValuesMoveWithTheCluster() {
        String leader = nodes.awaitLeader();
        String follower = nodes.follower(leader);
        RaftNodeStatus status = nodes.node(leader).status();
        assertThat(metric(leader, "raft.term")).isEqualTo(status.term());
        assertThat(metric(leader, "raft.leader")).isEqualTo(1);
        assertThat(metric(follower, "raft.leader")).isZero();
        assertThat(metric(leader, "raft.role?tag=role:leader")).isEqualTo(1);
        assertThat(metric(follower, "raft.role?tag=role:follower")).isEqualTo(1);
        assertThat(metric(follower, "raft.role?tag=role:leader")).isZero();
        assertThat(metric(leader, "raft.peers?tag=suffrage:voter")).isEqualTo(3);
        assertThat(metric(leader, "raft.peers?tag=suffrage:nonvoter")).isZero();
        assertThat(metric(leader, "raft.leader.last.contact")).isZero();
        assertThat(metric(follower, "raft.leader.last.contact")).isBetween(0.0, 5.0);
        // Leadership moved twice in the previous test: every node saw new leaders, someone ran elections.
        assertThat(metric(follower, "raft.leader.changes")).isGreaterThanOrEqualTo(2);
        assertThat(nodes.running().stream().mapToDouble(id -> metric(id, "raft.elections")).sum()).isPositive();

        double commitBefore = metric(follower, "raft.log.commit.index");
        double entriesBefore = metric(follower, "raft.store.entries");
        double putsBefore = metricOrZero(leader, "raft.store.operations?tag=operation:put&tag=outcome:success");
        for (int i = 0; i < 5; i++) {
            nodes.store(leader).put("metric-" + i, i);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(metric(follower, "raft.log.commit.index")).isGreaterThanOrEqualTo(commitBefore + 5);
            assertThat(metric(follower, "raft.log.applied.index")).isGreaterThanOrEqualTo(commitBefore + 5);
            assertThat(metric(follower, "raft.store.entries")).isEqualTo(entriesBefore + 5);
        });
        assertThat(metric(leader, "raft.log.last.index")).isGreaterThanOrEqualTo(commitBefore + 5);
        assertThat(metric(leader, "raft.store.operations?tag=operation:put&tag=outcome:success"))
            .isEqualTo(putsBefore + 5);

        // A refused operation is counted as a failure, with its reason.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodes.store(leader).put("", 1));
        assertThat(metric(leader, "raft.store.operations?tag=operation:put&tag=outcome:failure"
                + "&tag=error:invalid_argument")).isEqualTo(1);
    }

    @Test
    @Order(8)
    void infoNamesTheNodeAndTheMembersAndTheEndpointAnswersOverJmx() throws Exception {
        String leader = nodes.awaitLeader();
        JsonNode info = ok(nodes.get(leader, "/actuator/info")).get("raft");
        assertThat(info.get("nodeId").asString()).isEqualTo(leader);
        assertThat(info.get("address").asString()).isEqualTo(nodes.raftAddress(leader));
        List<String> members = new ArrayList<>();
        info.get("members").forEach(member -> members.add(member.get("id").asString()));
        assertThat(members).containsExactly("node1", "node2", "node3");
        assertThat(info.get("engine").get("protocol").asString()).isNotBlank();

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName endpoint = server.queryNames(new ObjectName("raft-" + leader + ":type=Endpoint,name=Raft,*"), null)
            .iterator()
            .next();
        Object raft = server.invoke(endpoint, "raft", new Object[0], new String[0]);
        assertThat(raft).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) raft).get("nodeId")).isEqualTo(leader);
        assertThat(((Map<?, ?>) raft).get("role")).isEqualTo("LEADER");
    }

    @Test
    @Order(9)
    void healthGoesDownWhenTheQuorumIsLostAndUpWhenItIsBack() {
        String leader = nodes.awaitLeader();
        for (String id : nodes.running()) {
            assertThat(nodes.get(id, "/actuator/health/raft").status()).isEqualTo(200);
        }
        List<String> followers = nodes.running().stream().filter(id -> !id.equals(leader)).toList();
        followers.forEach(nodes::stop);

        Response down = await().atMost(GRACE.plusSeconds(20))
            .until(() -> nodes.get(leader, "/actuator/health/raft"), response -> response.status() == 503);
        JsonNode health = down.json();
        assertThat(health.get("status").asString()).isEqualTo("DOWN");
        assertThat(health.get("details").get("reason").asString()).contains("raft.health.leader-grace-period");
        assertThat(health.get("details").get("role").asString()).isNotEqualTo("LEADER");
        assertThat(nodes.get(leader, "/actuator/health").status()).isEqualTo(503);
        assertThat(metric(leader, "raft.leader")).isZero();

        followers.forEach(id -> nodes.start(id, Map.of()));
        nodes.awaitLeader();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String id : nodes.running()) {
                Response up = nodes.get(id, "/actuator/health/raft");
                assertThat(up.status()).as(id + " " + up).isEqualTo(200);
                assertThat(up.json().get("details").get("leader").asString()).isNotBlank();
            }
        });
    }

    private void awaitServer(String id, String address, Suffrage suffrage) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String node : List.of("node1", "node2", "node3")) {
                if (nodes.running().contains(node)) {
                    assertThat(servers(ok(nodes.get(node, "/actuator/raft/configuration"))))
                        .contains(new RaftServerInfo(id, address, suffrage));
                }
            }
        });
    }

    private double metric(String id, String nameAndQuery) {
        Response response = nodes.get(id, "/actuator/metrics/" + nameAndQuery);
        JsonNode json = ok(response);
        return json.get("measurements").get(0).get("value").asDouble();
    }

    private double metricOrZero(String id, String nameAndQuery) {
        Response response = nodes.get(id, "/actuator/metrics/" + nameAndQuery);
        return (response.status() == 404) ? 0 : ok(response).get("measurements").get(0).get("value").asDouble();
    }

    private static List<RaftServerInfo> servers(JsonNode configuration) {
        List<RaftServerInfo> servers = new ArrayList<>();
        configuration.get("servers")
            .forEach(server -> servers.add(new RaftServerInfo(server.get("id").asString(),
                    server.get("address").asString(), Suffrage.valueOf(server.get("suffrage").asString()))));
        return servers;
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static void assertBadRequest(Response response, String message) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error").asString()).isEqualTo("INVALID_REQUEST");
        assertThat(response.json().get("message").asString()).contains(message);
    }
}
