package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.engine.atomix.peer.Anoint;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A node asked to take over the leadership stands only while it runs as a voter that follows: a stopping node (its
 * role already inactive, its log about to be closed) refuses, and neither it nor the leader changes role. Atomix's
 * anoint() made such a node candidate, then leader, and it read its closed log (a SIGSEGV that killed a test JVM).
 */
class RequestedElectionTest {

    @Test
    void aStoppingNodeRefusesToTakeOverAndTheLeaderKeepsLeading() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, Duration.ofMillis(500))) {
            AtomixRaftEngine leader = cluster.awaitLeader();
            AtomixRaftEngine stopping = cluster.engines().values().stream()
                .filter(engine -> engine != leader)
                .findFirst()
                .orElseThrow();
            RaftContext context = stopping.member().context;
            // Settled first: Atomix moves an inactive node whose configuration promotes it (the new leader's first
            // one) back to follower, which would undo the stop below.
            await().atMost(Duration.ofSeconds(30)).until(() -> InJvmEngineCluster.onRaftThread(context,
                    () -> (context.getRole() == RaftServer.Role.FOLLOWER && context.getLeader() != null
                            && context.getCluster().getMember().getType() == RaftMember.Type.ACTIVE
                            && context.getCluster().getConfiguration() != null
                            && context.getCommitIndex() >= context.getCluster().getConfiguration().index()) ? 1 : 0)
                    == 1);
            // The first step of a stop, as Atomix's shutdown() takes it: the log is closed after it.
            CompletableFuture<Void> inactive = new CompletableFuture<>();
            context.getThreadContext().execute(() -> {
                context.transition(RaftServer.Role.INACTIVE);
                inactive.complete(null);
            });
            inactive.get(10, TimeUnit.SECONDS);
            long term = InJvmEngineCluster.onRaftThread(context, context::getTerm);

            ExecutionException refusal = catchThrowableOfType(ExecutionException.class,
                    () -> leader.member().transport.control(stopping.nodeId(),
                            ControlRequest.newBuilder().setAnoint(Anoint.getDefaultInstance()).build())
                        .get(30, TimeUnit.SECONDS));

            assertThat(refusal).as("the stopping node refused to stand").isNotNull();
            assertThat(refusal.getCause().getMessage())
                .contains("'" + stopping.nodeId() + "' was asked to take over the leadership, but it is stopping");
            assertThat(InJvmEngineCluster.onRaftThread(context, () -> context.getRole().ordinal()))
                .isEqualTo(RaftServer.Role.INACTIVE.ordinal());
            assertThat(InJvmEngineCluster.onRaftThread(context, context::getTerm)).isEqualTo(term);
            assertThat(leader.status().role()).as("no transfer was asked of the leader").isEqualTo(RaftRole.LEADER);
        }
    }
}
