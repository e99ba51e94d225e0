package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.impl.RaftContext;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftRole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A node asked to take over the leadership stands only while it runs as a voter that follows. A stopping node (its
 * engine marked stopped, its server about to be closed) refuses, and neither it nor the leader changes role: Atomix's
 * anoint() made such a node candidate, then leader, and it read its log as the log was being closed (a SIGSEGV that
 * killed a test JVM on 2026-12-02).
 */
class RequestedElectionTest {

    @Test
    void aStoppingNodeRefusesToTakeOverAndTheLeaderKeepsLeading() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, Duration.ofMillis(500))) {
            SettledPair pair = settledPair(cluster);
            AtomixRaftEngine leader = pair.leader();
            AtomixRaftEngine stopping = pair.follower();
            RaftContext context = stopping.member().context;
            long term = InJvmEngineCluster.onRaftThread(context, context::getTerm);
            // What stop() leaves before it closes the server: the engine no longer running, the role unchanged.
            RequestedElection election = new RequestedElection(context, stopping.nodeId(), () -> false);

            ExecutionException refusal = catchThrowableOfType(ExecutionException.class,
                    () -> election.stand().get(30, TimeUnit.SECONDS));

            assertThat(refusal).as("the stopping node refused to stand").isNotNull();
            assertThat(refusal.getCause()).isInstanceOf(RaftException.class)
                .hasMessage("Node '" + stopping.nodeId() + "' was asked to take over the leadership, but it is stopping");
            assertThat(((RaftException) refusal.getCause()).reason()).isEqualTo(RaftException.Reason.SHUTDOWN);
            assertThat(InJvmEngineCluster.onRaftThread(context, () -> context.getRole().ordinal()))
                .isEqualTo(RaftServer.Role.FOLLOWER.ordinal());
            assertThat(InJvmEngineCluster.onRaftThread(context, context::getTerm)).isEqualTo(term);
            assertThat(leader.status().role()).as("no transfer was asked of the leader").isEqualTo(RaftRole.LEADER);
        }
    }

    @Test
    void aRunningFollowerTakesOver() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, Duration.ofMillis(500))) {
            SettledPair pair = settledPair(cluster);
            AtomixRaftEngine leader = pair.leader();
            AtomixRaftEngine follower = pair.follower();
            RequestedElection election = new RequestedElection(follower.member().context, follower.nodeId(),
                    () -> true);

            election.stand().get(30, TimeUnit.SECONDS);

            assertThat(follower.status().role()).isEqualTo(RaftRole.LEADER);
            await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(leader.status().role()).isNotEqualTo(RaftRole.LEADER));
        }
    }

    private record SettledPair(AtomixRaftEngine leader, AtomixRaftEngine follower) {
    }

    /**
     * A leader and a follower that follows it and has committed the configuration (a settled cluster), taken together:
     * on a loaded machine the leader can change before the cluster settles, and a follower chosen against the first
     * leader may become leader itself (CI, 2026-12-03).
     */
    private static SettledPair settledPair(InJvmEngineCluster cluster) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            AtomixRaftEngine leader = cluster.awaitLeader();
            for (AtomixRaftEngine engine : cluster.engines().values()) {
                if (engine != leader && followsSettled(engine, leader)) {
                    return new SettledPair(leader, engine);
                }
            }
            return null;
        }, pair -> pair != null && pair.leader().status().role() == RaftRole.LEADER);
    }

    private static boolean followsSettled(AtomixRaftEngine follower, AtomixRaftEngine leader) throws Exception {
        RaftContext context = follower.member().context;
        String leaderId = leader.nodeId();
        return InJvmEngineCluster.onRaftThread(context,
                () -> (context.getRole() == RaftServer.Role.FOLLOWER && context.getLeader() != null
                        && context.getLeader().memberId().id().equals(leaderId)
                        && context.getCluster().getConfiguration() != null
                        && context.getCommitIndex() >= context.getCluster().getConfiguration().index()) ? 1 : 0) == 1;
    }
}
