package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftLeaderChangedEvent;
import io.github.raftspringboot.api.RaftLeadershipAcquiredEvent;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ThreeNodeClusterTest {

    @TempDir
    Path dir;

    TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void electsOneLeaderAndReplicatesWritesFromEveryNode() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        assertThat(cluster.node(leader).status().servers()).hasSize(3);

        for (String id : cluster.ids()) {
            WriteResult result = cluster.store(id).put("written-by-" + id, Map.of("node", id, "n", 1));
            assertThat(result.index()).isPositive();
        }
        JsonMapper json = new JsonMapper();
        for (String reader : cluster.ids()) {
            RaftKeyValueStore store = cluster.store(reader);
            for (String writer : cluster.ids()) {
                assertThat(store.get("written-by-" + writer)).hasValueSatisfying(
                        value -> assertThat(value).isEqualTo(json.valueToTree(Map.of("node", writer, "n", 1))));
            }
            assertThat(store.keys("written-by-")).hasSize(3);
            assertThat(store.size()).isEqualTo(3);
        }
        for (String reader : cluster.ids()) {
            await().atMost(Duration.ofSeconds(60))
                .until(() -> cluster.store(reader).get("written-by-node1", ReadConsistency.LOCAL).isPresent());
        }
    }

    @Test
    void eventsFireOnEveryNode() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : cluster.ids()) {
                List<RaftLeaderChangedEvent> changes = cluster.events(id).of(RaftLeaderChangedEvent.class);
                assertThat(changes).isNotEmpty();
                assertThat(changes.get(changes.size() - 1).leaderId()).isEqualTo(leader);
            }
        });
        assertThat(cluster.events(leader).of(RaftLeadershipAcquiredEvent.class)).isNotEmpty();
    }

    @Test
    void survivesLeaderLossWithoutLosingAcknowledgedWrites() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        for (int i = 0; i < 50; i++) {
            cluster.store(follower).put("before-" + i, i);
        }
        cluster.stop(leader);
        String newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotEqualTo(leader);
        for (int i = 0; i < 50; i++) {
            assertThat(cluster.store(newLeader).get("before-" + i)).isPresent();
        }
        cluster.store(follower).put("after", true);
        assertThat(cluster.node(newLeader).status().role()).isEqualTo(RaftRole.LEADER);
    }

    @Test
    void wholeClusterRestartKeepsData() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        for (int i = 0; i < 20; i++) {
            cluster.store(leader).put("k" + i, List.of(i, "v"));
        }
        cluster.close();
        cluster.ids().forEach(cluster::startNode);
        String newLeader = cluster.awaitLeader();
        for (int i = 0; i < 20; i++) {
            assertThat(cluster.store(newLeader).get("k" + i)).isPresent();
        }
        assertThat(cluster.store(newLeader).size()).isEqualTo(20);
    }
}
