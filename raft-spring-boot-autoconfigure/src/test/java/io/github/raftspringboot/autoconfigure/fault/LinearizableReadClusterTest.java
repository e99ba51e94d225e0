package io.github.raftspringboot.autoconfigure.fault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Linearizable reads are served by the node asked, from its own state, once it has applied the leader's confirmed
 * commit index (ReadIndex): a follower's read sees every write acknowledged before it, through any node, and a node
 * cut off from the leader never answers from its stale copy.
 */
class LinearizableReadClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aFollowersLinearizableReadSeesEveryWriteAcknowledgedThroughAnotherNode() {
        try (RaftTestCluster cluster = RaftTestCluster.builder(NetworkPartitionClusterTest.PlainApplication.class)
            .nodes(3)
            .start()) {
            cluster.awaitLeader();
            List<String> followers = cluster.followers();
            String writer = followers.get(0);
            String reader = followers.get(1);
            // The reader learns of a commit only with the leader's next append, after the writer's acknowledgement;
            // answering from its copy without the read index would show the previous value in many of these rounds.
            for (int round = 0; round < 200; round++) {
                cluster.store(writer).put("k", round);
                Optional<JsonNode> read = cluster.store(reader).get("k", ReadConsistency.LINEARIZABLE);
                assertThat(read).as("round %d", round).isPresent();
                assertThat(read.get().asInt()).as("round %d", round).isEqualTo(round);
            }
            String leader = cluster.awaitLeader();
            cluster.store(reader).put("k", "through the reader");
            assertThat(cluster.store(leader).get("k", ReadConsistency.LINEARIZABLE).map(JsonNode::asString))
                .contains("through the reader");
        }
    }

    @Test
    void aNodeCutOffFromTheLeaderNeverAnswersALinearizableReadFromItsStaleCopy() {
        try (RaftTestCluster cluster = RaftTestCluster.builder(NetworkPartitionClusterTest.PlainApplication.class)
            .nodes(3)
            .withNetworkFaults()
            .start()) {
            String leader = cluster.awaitLeader();
            String cutOff = cluster.followers().get(0);
            cluster.store(leader).put("k", "v1");
            await().atMost(WAIT).until(() -> cluster.store(cutOff).get("k", ReadConsistency.LOCAL).isPresent());

            cluster.network().isolate(cutOff);
            await().atMost(WAIT).ignoreExceptions().until(() -> cluster.store(leader).put("k", "v2") != null);
            assertThat(cluster.store(cutOff).get("k", ReadConsistency.LOCAL).map(JsonNode::asString))
                .as("the cut-off node's copy is stale").contains("v1");

            // While cut off, a linearizable read waits (and times out after raft.request-timeout) rather than answer.
            CompletableFuture<Optional<JsonNode>> whileCutOff = cluster.store(cutOff).async()
                .get("k", ReadConsistency.LINEARIZABLE);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !whileCutOff.isDone()
                    || whileCutOff.isCompletedExceptionally());

            cluster.network().heal();
            // Once it hears from the leader again, the waiting read either answers the new value or has timed out.
            await().atMost(WAIT).until(whileCutOff::isDone);
            if (!whileCutOff.isCompletedExceptionally()) {
                assertThat(whileCutOff.join().map(JsonNode::asString)).contains("v2");
            }
            assertThat(cluster.store(cutOff).get("k", ReadConsistency.LINEARIZABLE).map(JsonNode::asString))
                .contains("v2");
        }
    }

    @Test
    void aReadThatTimesOutCutOffSaysWhichStepItWaitedFor() {
        try (RaftTestCluster cluster = RaftTestCluster.builder(NetworkPartitionClusterTest.PlainApplication.class)
            .nodes(3)
            .withNetworkFaults()
            .property("raft.request-timeout", "1500ms")
            .start()) {
            String leader = cluster.awaitLeader();
            String cutOff = cluster.followers().get(0);
            cluster.store(leader).put("k", "v1");
            await().atMost(WAIT).until(() -> cluster.store(cutOff).get("k", ReadConsistency.LOCAL).isPresent());

            cluster.network().isolate(cutOff);
            // No read index can come from the leader: the message says so, and what the last attempt answered.
            assertThatThrownBy(() -> cluster.store(cutOff).get("k", ReadConsistency.LINEARIZABLE))
                .isInstanceOfSatisfying(RaftException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(RaftException.Reason.TIMEOUT))
                .hasMessageContaining("Linearizable read: no read index confirmed by a majority within "
                        + "raft.request-timeout (1500 ms); ")
                .hasMessageMatching("(?s).*; (last answer: .+|no answer yet to the request sent to the leader).*");
        }
    }

    @Test
    void anIsolatedLeaderNeverAnswersALinearizableReadFromItsStaleCopy() {
        try (RaftTestCluster cluster = RaftTestCluster.builder(NetworkPartitionClusterTest.PlainApplication.class)
            .nodes(3)
            .withNetworkFaults()
            .start()) {
            String old = cluster.awaitLeader();
            cluster.store(old).put("k", "v1");
            cluster.network().isolate(old);
            // Asked at once, before the old leader has noticed anything: its read index needs a majority's answer.
            CompletableFuture<Optional<JsonNode>> whileIsolated = cluster.store(old).async()
                .get("k", ReadConsistency.LINEARIZABLE);
            String successor = await().atMost(WAIT).until(() -> cluster.running().stream()
                .filter(id -> !id.equals(old) && cluster.node(id).status().role() == RaftRole.LEADER)
                .findFirst()
                .orElse(null), leader -> leader != null);
            await().atMost(WAIT).ignoreExceptions().until(() -> cluster.store(successor).put("k", "v2") != null);
            assertThat(whileIsolated.isDone() && !whileIsolated.isCompletedExceptionally())
                .as("an isolated leader answered a linearizable read: %s", whileIsolated).isFalse();

            cluster.network().heal();
            await().atMost(WAIT).until(whileIsolated::isDone);
            if (!whileIsolated.isCompletedExceptionally()) {
                assertThat(whileIsolated.join().map(JsonNode::asString)).contains("v2");
            }
            await().atMost(WAIT).ignoreExceptions().until(() -> cluster.store(old)
                .get("k", ReadConsistency.LINEARIZABLE).map(JsonNode::asString).orElse(""), "v2"::equals);
        }
    }
}
