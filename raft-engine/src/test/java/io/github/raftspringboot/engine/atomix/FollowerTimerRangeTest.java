package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.atomix.protocols.raft.roles.FollowerRole;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.RaftRole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follower's election timer is drawn from 1 to 1.5 × the election timeout (Atomix: 1 to 2 ×), on every follower,
 * including a leader that became a follower by handing its leadership over.
 */
class FollowerTimerRangeTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    @Test
    void theExtraDelayIsDrawnBelowHalfTheElectionTimeoutAcrossThatWholeRange() {
        Random random = new FollowerTimerRange.HalfRange();
        List<Integer> draws = IntStream.range(0, 20_000).map(i -> random.nextInt(500)).boxed().toList();

        assertThat(draws).allSatisfy(draw -> assertThat(draw).isBetween(0, 249));
        assertThat(draws).contains(0, 249);
        assertThat(random.nextInt(1)).isZero();
    }

    @Test
    void everyFollowerDrawsItsTimerFromTheNarrowRangeAlsoAfterALeadershipTransfer() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, ELECTION_TIMEOUT)) {
            String leader = awaitLeaderFollowedByAll(cluster, null);
            assertFollowersNarrowed(cluster);

            // A transfer right after the first election can fail (the target still catching up), and on a loaded
            // machine an election can hand the leadership back: asked again until another node leads.
            String next = awaitLeaderFollowedByAll(cluster, leader, () -> {
                AtomixRaftEngine original = cluster.engines().get(leader);
                if (original.status().role() == RaftRole.LEADER) {
                    handedOver(original);
                }
            });

            assertThat(next).as("the leader after the transfer").isNotEqualTo(leader);
            assertFollowersNarrowed(cluster);
        }
    }

    private static void assertFollowersNarrowed(InJvmEngineCluster cluster) {
        cluster.engines().forEach((id, engine) -> {
            if (engine.member().context.getRaftRole() instanceof FollowerRole follower) {
                assertThat(FollowerTimerRange.generatorOf(follower)).as("timer generator of %s", id)
                    .isInstanceOf(FollowerTimerRange.HalfRange.class);
            }
        });
    }

    private static boolean handedOver(AtomixRaftEngine leader) throws Exception {
        try {
            leader.transferLeadership().get(30, TimeUnit.SECONDS);
            return true;
        }
        catch (ExecutionException ex) {
            return leader.status().role() != RaftRole.LEADER;
        }
    }

    /** A leader other than {@code not}, with both other nodes following it as followers. */
    private static String awaitLeaderFollowedByAll(InJvmEngineCluster cluster, String not) {
        return awaitLeaderFollowedByAll(cluster, not, () -> {
        });
    }

    /** As above, running {@code meanwhile} at each poll that finds no such leader. */
    private static String awaitLeaderFollowedByAll(InJvmEngineCluster cluster, String not, Attempt meanwhile) {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (AtomixRaftEngine engine : cluster.engines().values()) {
                if (engine.status().role() == RaftRole.LEADER && !engine.nodeId().equals(not)
                        && cluster.engines().values().stream()
                            .filter(other -> other != engine)
                            .allMatch(other -> other.status().role() == RaftRole.FOLLOWER
                                    && other.status().leader() != null
                                    && other.status().leader().id().equals(engine.nodeId()))) {
                    found[0] = engine.nodeId();
                    return true;
                }
            }
            meanwhile.run();
            return false;
        });
        return found[0];
    }

    @FunctionalInterface
    private interface Attempt {

        void run() throws Exception;
    }
}
