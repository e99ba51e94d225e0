package io.github.raftspringboot.autoconfigure.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.autoconfigure.actuate.WebCluster.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code raft} health component over HTTP on a real three-node cluster that loses and regains its quorum. */
class RaftHealthTest {

    @TempDir
    Path dir;

    WebCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void isDownAfterTheGracePeriodWithoutQuorumAndUpWhenTheQuorumReturns() {
        cluster = WebCluster.start(3, dir, Map.of("raft.health.leader-grace-period", "3s",
                "management.endpoint.health.group.readiness.include", "readinessState,raft"));
        String first = cluster.awaitLeader();
        for (String id : cluster.running()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode raft = raftHealth(id);
                assertThat(raft.path("status").asString()).isEqualTo("UP");
                assertThat(raft.path("details").path("leader").asString()).isEqualTo(first);
                assertThat(raft.path("details").path("role").asString())
                    .isEqualTo(id.equals(first) ? "LEADER" : "FOLLOWER");
                assertThat(raft.path("details").path("term").asLong()).isPositive();
                assertThat(raft.path("details").path("applyLag").asLong()).isZero();
            });
        }
        assertThat(cluster.get(first, "/actuator/health/readiness").status()).isEqualTo(200);

        // A leadership transfer is an election: no node may flap to DOWN while it runs.
        String target = cluster.followers().get(0);
        cluster.node(first).transferLeadership(target);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> cluster.running()
            .stream()
            .allMatch(id -> raftHealth(id).path("status").asString().equals("UP")));
        String leader = cluster.awaitLeader();
        assertThat(leader).isEqualTo(target);

        List<String> followers = cluster.followers();
        followers.forEach(cluster::stop);
        long stoppedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Response health = cluster.get(leader, "/actuator/health");
            assertThat(health.status()).isEqualTo(503);
            JsonNode raft = health.body().path("components").path("raft");
            assertThat(raft.path("status").asString()).isEqualTo("DOWN");
            assertThat(raft.path("details").path("reason").asString()).contains("No reachable leader");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(cluster.get(leader, "/actuator/health/readiness").status()).isEqualTo(503);

        followers.forEach(id -> cluster.startNode(id, Map.of()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String id : cluster.running()) {
                assertThat(raftHealth(id).path("status").asString()).isEqualTo("UP");
            }
        });
        assertThat(cluster.get(leader, "/actuator/health/readiness").status()).isEqualTo(200);
    }

    private JsonNode raftHealth(String id) {
        return cluster.get(id, "/actuator/health").body().path("components").path("raft");
    }
}
