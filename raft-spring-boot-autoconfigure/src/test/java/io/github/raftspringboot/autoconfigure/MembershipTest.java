package io.github.raftspringboot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Suffrage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Growing and shrinking a running cluster the hashicorp/raft way, through the RaftNode bean of the leader. */
class MembershipTest {

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
    void addsAJoiningNodeAsVoterThenDemotesAndRemovesIt() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        for (int i = 0; i < 30; i++) {
            cluster.store(leader).put("seed-" + i, i);
        }
        String address = cluster.reserve("node4");
        cluster.startNode("node4", Map.of("raft.bootstrap", "false"));
        assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.INACTIVE);

        RaftNode leaderNode = cluster.node(leader);
        long index = leaderNode.addVoter("node4", address, 0).join();
        assertThat(index).isPositive();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.FOLLOWER);
            assertThat(cluster.store("node4").get("seed-29", ReadConsistency.LOCAL)).isPresent();
        });
        assertThat(leaderNode.status().servers()).contains(new RaftServerInfo("node4", address, Suffrage.VOTER));
        // The new node serves linearizable reads and writes like any other.
        cluster.store("node4").put("from-node4", "hello");
        assertThat(cluster.store(leader).get("from-node4")).isPresent();

        long configIndex = leaderNode.status().configurationIndex();
        assertThatThrownBy(() -> leaderNode.demoteVoter("node4", configIndex - 1).join())
            .hasCauseInstanceOf(RaftException.class)
            .hasMessageContaining("configuration changed since");

        leaderNode.demoteVoter("node4", configIndex).join();
        await().atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.NON_VOTER));
        assertThat(leaderNode.status().servers()).contains(new RaftServerInfo("node4", address, Suffrage.NONVOTER));

        leaderNode.addVoter("node4", address, 0).join();
        await().atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.FOLLOWER));

        leaderNode.removeServer("node4", 0).join();
        assertThat(leaderNode.status().servers()).extracting(RaftServerInfo::id).doesNotContain("node4");
        cluster.store(leader).put("after-removal", 1);
    }

    @Test
    void addsANonVoterThatReceivesTheLogButDoesNotVote() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        cluster.store(leader).put("x", 1);
        String address = cluster.reserve("observer");
        cluster.startNode("observer", Map.of("raft.bootstrap", "false"));
        cluster.node(leader).addNonVoter("observer", address, 0).join();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(cluster.node("observer").status().role()).isEqualTo(RaftRole.NON_VOTER);
            assertThat(cluster.store("observer").get("x", ReadConsistency.LOCAL)).isPresent();
        });
        assertThat(cluster.node(leader).status().servers())
            .contains(new RaftServerInfo("observer", address, Suffrage.NONVOTER));
    }

    @Test
    void viaLeaderCarriesOperationsFromAFollowerToTheLeader() {
        cluster = TestCluster.start(3, dir, Map.of());
        String follower = cluster.anyFollower();
        String address = cluster.reserve("node4");
        cluster.startNode("node4", Map.of("raft.bootstrap", "false"));
        long index = cluster.node(follower).viaLeader().addVoter("node4", address, 0).join();
        assertThat(index).isPositive();
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(cluster.node("node4").status().role()).isEqualTo(RaftRole.FOLLOWER));
        assertThatThrownBy(() -> cluster.node(follower).viaLeader().removeServer("nobody", 0).join()).cause()
            .isInstanceOf(RaftException.class)
            .hasMessageContaining("'nobody' is not a member")
            .satisfies(error -> assertThat(((RaftException) error).reason()).isEqualTo(RaftException.Reason.UNKNOWN_SERVER));
        assertThat(cluster.node(follower).viaLeader().barrier().join()).isPositive();
        // A forwarded command reaches the leader as sent, line breaks included.
        long applied = cluster.node(follower).viaLeader()
            .applyCommand("{\"op\":\"put\",\"key\":\"forwarded\",\"value\":\"two\\nlines\"}\n"
                .getBytes(StandardCharsets.UTF_8))
            .join();
        assertThat(applied).isPositive();
        assertThat(cluster.store(cluster.awaitLeader()).get("forwarded", String.class)).contains("two\nlines");
    }

    @Test
    void transfersLeadershipToANamedServerAndToTheMostUpToDate() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        String target = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        cluster.node(leader).transferLeadership(target).join();
        await().atMost(Duration.ofSeconds(60)).until(() -> target.equals(cluster.currentLeader().orElse(null)));
        assertThat(cluster.awaitLeader()).isEqualTo(target);

        cluster.node(target).transferLeadership().join();
        String third = cluster.awaitLeader();
        assertThat(third).isNotEqualTo(target);
        cluster.store(third).put("still-writable", true);
    }

    @Test
    void refusesLeaderOnlyOperationsOnAFollowerNamingTheLeader() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        assertThatThrownBy(() -> cluster.node(follower).addVoter("node9", "127.0.0.1:1", 0).join())
            .cause()
            .isInstanceOf(RaftException.class)
            .hasMessageContaining("the leader is '" + leader + "'")
            .satisfies(error -> assertThat(((RaftException) error).leaderId()).isEqualTo(leader));
        assertThatThrownBy(() -> cluster.node(leader).removeServer("nobody", 0).join()).cause()
            .isInstanceOf(RaftException.class)
            .hasMessageContaining("'nobody' is not a member");
        assertThatThrownBy(() -> cluster.node(leader).addVoter("bad", "no-port", 0)).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThat(cluster.node(leader).verifyLeader().join()).isPositive();
        assertThat(cluster.node(leader).barrier().join()).isPositive();
    }
}
