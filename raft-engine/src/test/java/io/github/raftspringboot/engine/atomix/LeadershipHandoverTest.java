package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftRole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** A leadership transfer that cannot happen says plainly why, without the engine's class names. */
class LeadershipHandoverTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    @Test
    void aTransferToAStoppedVoterFailsSayingWhy() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, ELECTION_TIMEOUT)) {
            AtomixRaftEngine leader = awaitLeaderFollowedByAll(cluster.engines());
            AtomixRaftEngine stopped = cluster.engines().values().stream().filter(engine -> engine != leader)
                .findFirst().orElseThrow();
            stopped.close();

            ExecutionException failure = catchThrowableOfType(ExecutionException.class,
                    () -> leader.transferLeadership(stopped.nodeId()).get(30, TimeUnit.SECONDS));

            assertThat(failure.getCause()).isInstanceOf(RaftException.class);
            String message = failure.getCause().getMessage();
            assertThat(message).startsWith("LeadershipTransfer to '" + stopped.nodeId() + "'")
                .doesNotContain("io.atomix", "CompletionException");
            // On a starved machine the two nodes left may hold an election meanwhile: the answer then says so.
            // Not an internal error (a 500): the target is not there to take over, a 503 to retry or choose another.
            RaftException.Reason reason = ((RaftException) failure.getCause()).reason();
            assertThat(message).satisfiesAnyOf(
                    still -> assertThat(still).contains("failed after ", "'" + stopped.nodeId() + "' did not answer",
                            "may be stopped or cut off", "is still the leader"),
                    lost -> assertThat(lost).contains("lost the leadership meanwhile; the leader is now"));
            assertThat(reason).isIn(RaftException.Reason.TIMEOUT, RaftException.Reason.NOT_LEADER,
                    RaftException.Reason.NO_LEADER);
        }
    }

    private static AtomixRaftEngine awaitLeaderFollowedByAll(Map<String, AtomixRaftEngine> engines) {
        AtomixRaftEngine[] found = new AtomixRaftEngine[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5)).until(() -> {
            for (AtomixRaftEngine engine : engines.values()) {
                if (engine.status().role() == RaftRole.LEADER && engines.values().stream()
                    .filter(other -> other != engine)
                    .allMatch(other -> other.status().leader() != null
                            && other.status().leader().id().equals(engine.nodeId()))) {
                    found[0] = engine;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
