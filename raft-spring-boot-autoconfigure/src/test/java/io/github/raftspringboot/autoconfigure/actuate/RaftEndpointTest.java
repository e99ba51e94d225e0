package io.github.raftspringboot.autoconfigure.actuate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Suffrage;
import io.github.raftspringboot.autoconfigure.actuate.WebCluster.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /actuator/raft} over HTTP on a real three-node cluster: reads on every node, writes from any node. */
class RaftEndpointTest {

    @TempDir
    static Path dir;

    static WebCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = WebCluster.start(3, dir, Map.of());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyNodeReportsItsOwnStateAndTheSameLeaderAndConfiguration() {
        String leader = cluster.awaitLeader();
        cluster.context(leader).getBean(RaftKeyValueStore.class).put("endpoint-read", 1);
        await().atMost(Duration.ofSeconds(60))
            .until(() -> cluster.running()
                .stream()
                .map(id -> cluster.node(id).status())
                .allMatch(status -> status.appliedIndex() == cluster.node(leader).status().commitIndex()));

        for (String id : List.of("node1", "node2", "node3")) {
            RaftNodeStatus status = cluster.node(id).status();
            Response response = cluster.get(id, "/actuator/raft");
            // Keep-alives are log entries: the indexes may move on between the test's reads and the endpoint's.
            RaftNodeStatus after = cluster.node(id).status();
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            JsonNode body = response.body();
            assertThat(body.path("id").asString()).isEqualTo(id);
            assertThat(body.path("address").asString()).isEqualTo(cluster.raftAddress(id));
            assertThat(body.path("role").asString()).isEqualTo(id.equals(leader) ? "LEADER" : "FOLLOWER");
            assertThat(body.path("term").asLong()).isEqualTo(status.term()).isPositive();
            assertThat(body.path("leader").path("id").asString()).isEqualTo(leader);
            assertThat(body.path("leader").path("address").asString()).isEqualTo(cluster.raftAddress(leader));
            assertThat(body.path("commitIndex").asLong()).isBetween(status.commitIndex(), after.commitIndex())
                .isPositive();
            assertThat(body.path("appliedIndex").asLong()).isBetween(status.appliedIndex(), after.appliedIndex());
            assertThat(body.path("lastLogIndex").asLong()).isBetween(status.lastLogIndex(), after.lastLogIndex());
            assertThat(body.path("lastLogTerm").asLong()).isEqualTo(status.lastLogTerm()).isPositive();
            assertThat(body.path("lastSnapshotIndex").asLong()).isEqualTo(status.lastSnapshotIndex());
            assertThat(body.path("lastSnapshotTerm").asLong()).isEqualTo(status.lastSnapshotTerm());
            assertThat(body.path("configurationIndex").asLong()).isEqualTo(status.configurationIndex());
            if (id.equals(leader)) {
                assertThat(body.path("millisSinceLastContact").isNull()).isTrue();
            }
            else {
                assertThat(body.path("millisSinceLastContact").asLong()).isBetween(0L, 5_000L);
            }
            assertConfiguration(body.path("configuration"));
            assertThat(body.path("stats").path("state").asString()).isEqualTo(id.equals(leader) ? "Leader" : "Follower");
            // The stats map is read a moment after the status (hashicorp's Stats() is its own view, too): seen
            // once under load with commitIndex 5 and commit_index 6 in one answer.
            assertThat(Long.parseLong(body.path("stats").path("commit_index").asString()))
                .isBetween(status.commitIndex(), after.commitIndex());

            Response configuration = cluster.get(id, "/actuator/raft/configuration");
            assertThat(configuration.status()).isEqualTo(200);
            assertThat(configuration.body().path("index").asLong()).isEqualTo(status.configurationIndex());
            assertConfiguration(configuration.body().path("servers"));

            Response leaderResponse = cluster.get(id, "/actuator/raft/leader");
            assertThat(leaderResponse.status()).isEqualTo(200);
            assertThat(leaderResponse.body().path("id").asString()).isEqualTo(leader);
            assertThat(leaderResponse.body().path("address").asString()).isEqualTo(cluster.raftAddress(leader));
        }
    }

    private static void assertConfiguration(JsonNode servers) {
        assertThat(servers.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            String id = "node" + (i + 1);
            assertThat(servers.get(i).path("id").asString()).isEqualTo(id);
            assertThat(servers.get(i).path("address").asString()).isEqualTo(cluster.raftAddress(id));
            assertThat(servers.get(i).path("suffrage").asString()).isEqualTo("VOTER");
        }
    }

    @Test
    void membershipChangesSentToAFollowerAreCarriedToTheLeader() {
        String follower = cluster.followers().get(0);
        String address4 = cluster.reserve("node4");
        cluster.startNode("node4", Map.of("raft.bootstrap", "false"));
        try {
            Response added = cluster.post(follower, "/actuator/raft/add-nonvoter",
                    "{\"id\":\"node4\",\"address\":\"" + address4 + "\"}");
            assertThat(added.status()).as(added.text()).isEqualTo(200);
            assertThat(added.body().path("operation").asString()).isEqualTo("add-nonvoter");
            assertThat(added.body().path("index").asLong()).isPositive();
            awaitRole("node4", RaftRole.NON_VOTER, Suffrage.NONVOTER, address4);

            Response promoted = cluster.post(follower, "/actuator/raft/promote", "{\"id\":\"node4\"}");
            assertThat(promoted.status()).as(promoted.text()).isEqualTo(200);
            awaitRole("node4", RaftRole.FOLLOWER, Suffrage.VOTER, address4);

            long configurationIndex = cluster.node(cluster.awaitLeader()).status().configurationIndex();
            Response stale = cluster.post(follower, "/actuator/raft/demote",
                    "{\"id\":\"node4\",\"previousIndex\":" + (configurationIndex - 1) + "}");
            assertThat(stale.status()).as(stale.text()).isEqualTo(409);
            assertThat(stale.body().path("error").asString()).isEqualTo("CONFIGURATION_CHANGED");

            Response demoted = cluster.post(follower, "/actuator/raft/demote",
                    "{\"id\":\"node4\",\"previousIndex\":" + configurationIndex + "}");
            assertThat(demoted.status()).as(demoted.text()).isEqualTo(200);
            awaitRole("node4", RaftRole.NON_VOTER, Suffrage.NONVOTER, address4);

            Response removed = cluster.delete(follower, "/actuator/raft/node4");
            assertThat(removed.status()).as(removed.text()).isEqualTo(200);
            assertThat(removed.body().path("operation").asString()).isEqualTo("remove");
            awaitNotMember("node4");
        }
        finally {
            cluster.stop("node4");
        }

        String address5 = cluster.reserve("node5");
        cluster.startNode("node5", Map.of("raft.bootstrap", "false"));
        try {
            Response added = cluster.post(follower, "/actuator/raft/add-voter",
                    "{\"id\":\"node5\",\"address\":\"" + address5 + "\"}");
            assertThat(added.status()).as(added.text()).isEqualTo(200);
            awaitRole("node5", RaftRole.FOLLOWER, Suffrage.VOTER, address5);
            Response removed = cluster.post(follower, "/actuator/raft/remove", "{\"id\":\"node5\"}");
            assertThat(removed.status()).as(removed.text()).isEqualTo(200);
            awaitNotMember("node5");
        }
        finally {
            cluster.stop("node5");
        }
    }

    private static void awaitRole(String id, RaftRole role, Suffrage suffrage, String address) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(cluster.node(id).status().role()).isEqualTo(role);
            assertThat(cluster.node(cluster.awaitLeader()).status().servers())
                .contains(new RaftServerInfo(id, address, suffrage));
            JsonNode servers = cluster.get(cluster.awaitLeader(), "/actuator/raft/configuration").body().path("servers");
            assertThat(servers.valueStream()
                .filter(server -> server.path("id").asString().equals(id))
                .map(server -> server.path("suffrage").asString())).containsExactly(suffrage.name());
        });
    }

    private static void awaitNotMember(String id) {
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(cluster.node(cluster.awaitLeader()).status().servers())
                .extracting(RaftServerInfo::id)
                .containsExactly("node1", "node2", "node3"));
    }

    @Test
    void transfersLeadershipToANamedNodeAndToAnyNode() {
        // Retried only if an election elsewhere made the target leader between choosing it and asking.
        String target = await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<String> followers = cluster.followers();
            String chosen = followers.get(1);
            Response named = cluster.post(followers.get(0), "/actuator/raft/transfer-leadership",
                    "{\"id\":\"" + chosen + "\"}");
            return (named.status() == 200) ? chosen : null;
        }, chosen -> chosen != null);
        assertThat(cluster.awaitLeader()).isEqualTo(target);

        Response any = cluster.post(cluster.followers().get(0), "/actuator/raft/transfer-leadership", "");
        assertThat(any.status()).as(any.text()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> !cluster.awaitLeader().equals(target));
    }

    @Test
    void takesASnapshotFromAnyNode() {
        String follower = cluster.followers().get(0);
        Response snapshot = cluster.post(follower, "/actuator/raft/snapshot", "");
        assertThat(snapshot.status()).as(snapshot.text()).isEqualTo(200);
        assertThat(snapshot.body().path("operation").asString()).isEqualTo("snapshot");
        // Compaction needs a whole log segment below the applied index; a small log has none, so the index is
        // that of the last snapshot (docs/actuator.md).
        long index = snapshot.body().path("index").asLong();
        assertThat(index).isEqualTo(cluster.node(cluster.awaitLeader()).status().lastSnapshotIndex());
    }

    @Test
    void bareCurlPostsRunTheWriteOperationsThatNeedNoArguments() {
        String follower = cluster.followers().get(0);
        Response snapshot = cluster.curlPost(follower, "/actuator/raft/snapshot");
        assertThat(snapshot.status()).as(snapshot.text()).isEqualTo(200);
        assertThat(snapshot.body().path("operation").asString()).isEqualTo("snapshot");

        String before = cluster.awaitLeader();
        Response transfer = cluster.curlPost(cluster.followers().get(0), "/actuator/raft/transfer-leadership");
        assertThat(transfer.status()).as(transfer.text()).isEqualTo(200);
        assertThat(transfer.body().path("operation").asString()).isEqualTo("transfer-leadership");
        await().atMost(Duration.ofSeconds(20)).until(() -> !cluster.awaitLeader().equals(before));

        // An operation that needs arguments says which, instead of 415.
        Response addVoter = cluster.curlPost(follower, "/actuator/raft/add-voter");
        assertThat(addVoter.status()).as(addVoter.text()).isEqualTo(400);
        assertThat(addVoter.body().path("message").asString()).contains("needs the server's \"id\"");
        Response unknown = cluster.curlPost(follower, "/actuator/raft/explode");
        assertThat(unknown.status()).as(unknown.text()).isEqualTo(404);
        assertThat(cluster.node(follower).status().servers()).extracting(RaftServerInfo::id)
            .containsExactly("node1", "node2", "node3");
    }

    @Test
    void downloadsFromAnyNodeABackupThatRestoresTheState() throws Exception {
        String leader = cluster.awaitLeader();
        String follower = cluster.followers().get(0);
        RaftKeyValueStore store = cluster.context(leader).getBean(RaftKeyValueStore.class);
        store.put("backup/kept", "before");
        store.put("backup/changed", 1);

        HttpResponse<byte[]> download = cluster.download(follower, "/actuator/raft/backup");

        assertThat(download.statusCode()).as(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/octet-stream"));
        RaftBackup backup = RaftBackup.fromByteArray(download.body());
        assertThat(backup.nodeId()).isEqualTo(follower);
        store.put("backup/changed", 2);
        store.put("backup/added", true);

        long restoredAt = cluster.node(follower).restore(backup).get(30, TimeUnit.SECONDS);

        List<String> members = cluster.node(cluster.awaitLeader()).status().servers().stream().map(RaftServerInfo::id)
            .filter(cluster.running()::contains).toList();
        for (String id : members) {
            RaftKeyValueStore local = cluster.context(id).getBean(RaftKeyValueStore.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.node(id).status().appliedIndex() >= restoredAt);
            assertThat(local.get("backup/kept", ReadConsistency.LOCAL)).map(JsonNode::asString).as(id).contains("before");
            assertThat(local.get("backup/changed", ReadConsistency.LOCAL)).map(JsonNode::asInt).as(id).contains(1);
            assertThat(local.get("backup/added", ReadConsistency.LOCAL)).as(id).isEmpty();
        }
    }

    @Test
    void answersMalformedRequestsWithAStatusAndAMessage() {
        String node = cluster.followers().get(0);
        assertError(cluster.post(node, "/actuator/raft/add-voter", "{\"address\":\"127.0.0.1:1\"}"), 400,
                "INVALID_REQUEST", "add-voter needs the server's \"id\"");
        assertError(cluster.post(node, "/actuator/raft/add-voter", "{\"id\":\"node9\"}"), 400, "INVALID_REQUEST",
                "needs the server's Raft \"address\" as host:port");
        assertError(cluster.post(node, "/actuator/raft/add-nonvoter", "{\"id\":\"node9\",\"address\":\"nowhere\"}"),
                400, "INVALID_REQUEST", "address 'nowhere' must have the form host:port");
        assertError(cluster.post(node, "/actuator/raft/demote", "{\"id\":\"bad id!\"}"), 400, "INVALID_REQUEST",
                "is not a valid node id");
        assertError(cluster.post(node, "/actuator/raft/remove", "{\"id\":\"node9\",\"previousIndex\":-1}"), 400,
                "INVALID_REQUEST", "previousIndex must be 0");
        assertError(cluster.post(node, "/actuator/raft/explode", "{}"), 404, "NOT_FOUND",
                "There is no operation 'explode'");
        assertError(cluster.get(node, "/actuator/raft/servers"), 404, "NOT_FOUND", "There is no /actuator/raft/servers");
        assertError(cluster.delete(node, "/actuator/raft/node9"), 404, "UNKNOWN_SERVER", "'node9' is not a member");
        assertError(cluster.post(node, "/actuator/raft/promote", "{\"id\":\"node9\"}"), 404, "UNKNOWN_SERVER",
                "'node9' is not a member");
        assertError(cluster.post(node, "/actuator/raft/promote", "{\"id\":\"node1\"}"), 400, "INVALID_REQUEST",
                "'node1' is already a voter");

        // Not the bare "Parameter mapping failure" Actuator gives typed parameters: say which field and what to send.
        assertError(cluster.post(node, "/actuator/raft/demote", "{\"id\":\"node9\",\"previousIndex\":\"x\"}"), 400,
                "INVALID_REQUEST", "previousIndex must be a whole number");
        assertError(cluster.post(node, "/actuator/raft/demote", "{\"id\":\"node9\",\"previousIndex\":"
                + "99999999999999999999}"), 400, "INVALID_REQUEST", "previousIndex must be a whole number");
        assertError(cluster.post(node, "/actuator/raft/remove", "{\"id\":\"node9\",\"force\":\"yes\"}"), 400,
                "INVALID_REQUEST", "force must be true or false, not 'yes'");
        assertError(cluster.delete(node, "/actuator/raft/node9?previousIndex=abc"), 400, "INVALID_REQUEST",
                "previousIndex must be a whole number");
        Response notJson = cluster.post(node, "/actuator/raft/demote", "{id:");
        assertThat(notJson.status()).as(notJson.text()).isEqualTo(400);
    }

    @Test
    void refusesMembershipChangesThatWouldHurtTheClusterAndChangesNothing() {
        String node = cluster.followers().get(0);
        String leader = cluster.awaitLeader();
        List<RaftServerInfo> before = cluster.node(leader).status().servers();
        String current = before.stream().filter(server -> server.id().equals(node)).findFirst().orElseThrow()
            .address();
        String dead = "127.0.0.1:" + io.github.raftspringboot.autoconfigure.TestCluster.freePort();

        assertError(cluster.post(node, "/actuator/raft/add-voter", "{\"id\":\"x4\",\"address\":\"!!!:1\"}"), 400,
                "INVALID_REQUEST", "not a valid host name");
        assertError(cluster.post(node, "/actuator/raft/add-voter",
                "{\"id\":\"" + node + "\",\"address\":\"" + dead + "\"}"), 409, "ADDRESS_CONFLICT",
                "'" + node + "' is already a member at " + current);
        assertError(cluster.post(node, "/actuator/raft/add-voter",
                "{\"id\":\"" + node + "\",\"address\":\"" + dead + "\",\"replace\":true}"), 409,
                "UNSAFE_RECONFIGURATION", "does not answer on its Raft port at " + dead);
        assertError(cluster.post(node, "/actuator/raft/add-voter", "{\"id\":\"x4\",\"address\":\"" + dead + "\"}"),
                409, "UNSAFE_RECONFIGURATION", "'x4' does not answer on its Raft port");
        assertThat(cluster.node(leader).status().servers()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void publishesMetricsAndInfo() {
        String leader = cluster.awaitLeader();
        RaftKeyValueStore store = cluster.context(leader).getBean(RaftKeyValueStore.class);
        long index = store.put("metered", 1).index();
        assertThat(store.get("metered")).isPresent();
        MeterRegistry leaderMeters = cluster.context(leader).getBean(MeterRegistry.class);
        assertThat(leaderMeters.get("raft.store.operations").tag("operation", "put").tag("outcome", "success")
            .timer().count()).isPositive();
        assertThat(leaderMeters.get("raft.store.operations").tag("operation", "get").tag("consistency", "linearizable")
            .timer().count()).isPositive();

        for (String id : List.of("node1", "node2", "node3")) {
            MeterRegistry meters = cluster.context(id).getBean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(60))
                .until(() -> meters.get("raft.applied.index").tag("raft.node", id).gauge().value() >= index);
            RaftNodeStatus status = cluster.node(id).status();
            assertThat(meters.get("raft.term").gauge().value()).isEqualTo(status.term());
            assertThat(meters.get("raft.commit.index").gauge().value()).isGreaterThanOrEqualTo(index);
            assertThat(meters.get("raft.last.log.index").gauge().value()).isGreaterThanOrEqualTo(index);
            assertThat(meters.get("raft.leader").gauge().value()).isEqualTo(id.equals(leader) ? 1 : 0);
            assertThat(meters.get("raft.voters").gauge().value()).isEqualTo(3);
            assertThat(meters.get("raft.nonvoters").gauge().value()).isZero();
            assertThat(meters.get("raft.leader.changes").functionCounter().count()).isGreaterThanOrEqualTo(1);

            Response info = cluster.get(id, "/actuator/info");
            assertThat(info.status()).as(info.text()).isEqualTo(200);
            JsonNode raft = info.body().path("raft");
            assertThat(raft.path("nodeId").asString()).isEqualTo(id);
            assertThat(raft.path("engine").asString()).isEqualTo("atomix-raft 3.1.12");
            assertThat(raft.path("members").path("node1").asString()).isEqualTo("VOTER");
            assertThat(raft.path("members").size()).isEqualTo(3);
        }
    }

    private static void assertError(Response response, int status, String error, String message) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.body().path("status").asInt()).isEqualTo(status);
        assertThat(response.body().path("error").asString()).isEqualTo(error);
        assertThat(response.body().path("message").asString()).contains(message);
    }
}
