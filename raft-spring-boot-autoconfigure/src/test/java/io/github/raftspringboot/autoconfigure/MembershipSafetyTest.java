package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftException.Reason;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.ReadConsistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * No single membership request can hurt the cluster: bad addresses, an id that is a member elsewhere, a voter that
 * does not answer, and a change that would leave too few reachable voters are refused with a clear reason, and the
 * configuration and the data stay as they were. A server added by mistake can be removed.
 */
class MembershipSafetyTest {

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
    void anExistingIdAtAnotherAddressIsRefusedUnlessReplacedAndTheNewAddressAnswers() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        cluster.store(leader).put("k", 1);
        List<RaftServerInfo> before = cluster.node(leader).status().servers();
        String current = address(leader, follower);
        String dead = "127.0.0.1:" + TestCluster.freePort();

        assertRefused(() -> cluster.node(leader).addVoter(follower, dead, 0), Reason.ADDRESS_CONFLICT,
                "'" + follower + "' is already a member at " + current, "\"replace\": true");
        assertRefused(() -> cluster.node(follower).viaLeader().addNonVoter(follower, dead, 0),
                Reason.ADDRESS_CONFLICT, "already a member at " + current);
        assertRefused(() -> cluster.node(leader).addVoter(follower, dead, 0,
                MembershipOptions.defaults().withReplaceAddress(true)), Reason.UNSAFE_RECONFIGURATION,
                "does not answer on its Raft port at " + dead, "force");

        // Another id at a member's address: two members would share it, forced or not.
        assertRefused(() -> cluster.node(leader).addNonVoter("x4", current, 0), Reason.ADDRESS_CONFLICT,
                current + " is the address of member '" + follower + "'");
        assertRefused(() -> cluster.node(follower).viaLeader().addVoter("x4", current, 0,
                MembershipOptions.defaults().withForce(true)), Reason.ADDRESS_CONFLICT, "remove '" + follower + "'");

        assertUnchanged(leader, before);
        // The follower still follows and replicates.
        cluster.store(leader).put("k", 2);
        await().atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(cluster.store(follower).get("k", ReadConsistency.LOCAL)).isPresent()
                .get()
                .hasToString("2"));
        // The same request with the address it already has is a no-op, as in hashicorp/raft.
        assertThat(cluster.node(leader).addVoter(follower, current, 0).join())
            .isEqualTo(cluster.node(leader).status().configurationIndex());
    }

    @Test
    void malformedAddressesAreRefusedBeforeAnythingIsProposed() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        cluster.store(leader).put("k", 1);
        List<RaftServerInfo> before = cluster.node(leader).status().servers();
        for (String address : List.of("!!!:1", "host:0", "host:65536", "bad_host!:12000", "-leading-dash:1",
                "999.1.1.1:12000", "[::g]:1", "a..b:1")) {
            assertThatThrownBy(() -> cluster.node(leader).addVoter("x4", address, 0)).as(address)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + address + "'");
            assertThatThrownBy(() -> cluster.node(follower).viaLeader().addNonVoter("x4", address, 0)).as(address)
                .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> cluster.node(leader).addVoter("x 4", "127.0.0.1:1", 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not a valid node id");
        assertUnchanged(leader, before);
    }

    @Test
    void aVoterThatDoesNotAnswerOrAnswersAsAnotherNodeIsRefusedAndForceOverridesThenItCanBeRemoved() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        String follower = cluster.anyFollower();
        cluster.store(leader).put("k", 1);
        List<RaftServerInfo> before = cluster.node(leader).status().servers();

        assertRefused(() -> cluster.node(leader).addVoter("x4", "127.0.0.1:" + TestCluster.freePort(), 0),
                Reason.UNSAFE_RECONFIGURATION, "'x4' does not answer on its Raft port",
                "raft.membership.strict-reconfig-check=false");
        // The follower's port under another spelling than the configuration's (that one is an ADDRESS_CONFLICT).
        String aliased = address(leader, follower).replace("127.0.0.1", "localhost");
        assertRefused(() -> cluster.node(follower).viaLeader().addVoter("x4", aliased, 0),
                Reason.UNSAFE_RECONFIGURATION, "answers as node '" + follower + "', not 'x4'");
        assertUnchanged(leader, before);

        // Forced in at a host that does not even resolve: 4 voters, 3 reachable, so the change commits...
        String nowhere = "no-such-host.invalid:12000";
        long added = cluster.node(leader).addVoter("x4", nowhere, 0, MembershipOptions.defaults().withForce(true))
            .join();
        assertThat(added).isPositive();
        assertThat(cluster.node(leader).status().servers()).contains(new RaftServerInfo("x4", nowhere,
                io.github.raftspringboot.api.Suffrage.VOTER));
        // ...and it can be taken out again with the default checks, through any node.
        cluster.node(follower).viaLeader().removeServer("x4", 0).join();
        assertUnchanged(cluster.awaitLeader(), before);
        cluster.store(follower).put("k", 3);
        assertThat(cluster.store(leader).get("k")).isPresent().get().hasToString("3");
    }

    @Test
    void aChangeThatWouldLeaveTooFewReachableVotersIsRefused() {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        String down = cluster.anyFollower();
        cluster.store(leader).put("k", 1);
        List<RaftServerInfo> before = cluster.node(leader).status().servers();
        cluster.stop(down);
        // A write after the stop: the leader has sent to 'down' and seen the request fail.
        cluster.store(cluster.awaitLeader()).put("k", 2);

        // Without the other running node the voters would be the leader and 'down': one of two reachable, no quorum.
        // (On a loaded machine the leader may change once the node is down, so each attempt asks the current one.)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String current = cluster.awaitLeader();
            String alive = other(current);
            assertRefused(() -> cluster.node(current).removeServer(alive, 0), Reason.UNSAFE_RECONFIGURATION,
                    "a quorum needs 2", "unreachable: [" + down + "]");
            assertRefused(() -> cluster.node(current).demoteVoter(alive, 0), Reason.UNSAFE_RECONFIGURATION,
                    "a quorum needs 2");
        });
        assertUnchanged(cluster.awaitLeader(), before);

        // Removing the node that is down keeps the quorum reachable: allowed.
        await().atMost(Duration.ofSeconds(60)).ignoreException(java.util.concurrent.CompletionException.class)
            .until(() -> {
                String current = cluster.awaitLeader();
                if (cluster.node(current).status().servers().stream().anyMatch(server -> server.id().equals(down))) {
                    cluster.node(current).removeServer(down, 0).join();
                }
                return true;
            });
        String current = cluster.awaitLeader();
        assertThat(cluster.node(current).status().servers()).extracting(RaftServerInfo::id)
            .containsExactlyInAnyOrder(current, other(current));
        cluster.store(current).put("k", 3);
    }

    private String other(String leader) {
        return cluster.running().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    @Test
    void theStrictCheckCanBeSwitchedOffByProperty() {
        cluster = TestCluster.start(3, dir, Map.of("raft.membership.strict-reconfig-check", "false"));
        String leader = cluster.awaitLeader();
        cluster.store(leader).put("k", 1);
        List<RaftServerInfo> before = cluster.node(leader).status().servers();
        String dead = "127.0.0.1:" + TestCluster.freePort();
        cluster.node(leader).addVoter("x5", dead, 0).join();
        assertThat(cluster.node(leader).status().servers()).extracting(RaftServerInfo::id).contains("x5");
        // The address check and the address conflict check stay on.
        assertRefused(() -> cluster.node(leader).addVoter("x5", "127.0.0.1:" + TestCluster.freePort(), 0),
                Reason.ADDRESS_CONFLICT, "already a member at " + dead);
        cluster.node(leader).removeServer("x5", 0).join();
        assertUnchanged(leader, before);
    }

    private String address(String observer, String id) {
        return cluster.node(observer).status().servers().stream().filter(server -> server.id().equals(id))
            .findFirst()
            .orElseThrow()
            .address();
    }

    private void assertUnchanged(String leader, List<RaftServerInfo> before) {
        await().atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(cluster.node(leader).status().servers())
                .containsExactlyInAnyOrderElementsOf(before));
        assertThat(cluster.store(leader).get("k")).isPresent();
    }

    private static void assertRefused(Supplier<CompletableFuture<Long>> change, Reason reason, String... message) {
        assertThatThrownBy(() -> change.get().join()).cause()
            .isInstanceOf(RaftException.class)
            .satisfies(error -> assertThat(((RaftException) error).reason()).isEqualTo(reason))
            .satisfies(error -> assertThat(error.getMessage()).contains(message));
    }
}
