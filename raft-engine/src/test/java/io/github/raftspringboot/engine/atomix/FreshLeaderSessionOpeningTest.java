package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.atomix.primitive.session.SessionClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Atomix client-session openings (as a node's store client opens them) right after an election: on a fresh cluster,
 * whose leader refuses client requests until its first entry has committed, and after leader changes in a row. Each
 * opening, on every node, must complete within four election timeouts. Before the fix of the not-ready leader (see
 * {@link NotReadyLeaderTest}) the first openings of a fresh cluster took 2.9 to 4.4 s here.
 */
class FreshLeaderSessionOpeningTest {

    private static final Logger logger = LoggerFactory.getLogger(FreshLeaderSessionOpeningTest.class);

    private static final int NODES = 3;

    private static final int LEADER_CHANGES = 10;

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    private static final long BOUND_MILLIS = 4 * ELECTION_TIMEOUT.toMillis();

    private static final int ATTEMPTS = 3;

    private InJvmEngineCluster cluster;

    private Map<String, AtomixRaftEngine> engines = Map.of();

    @AfterEach
    void stop() {
        stopCluster();
    }

    @Test
    void aFreshLeadersFirstSessionOpeningsCompleteWithinFourElectionTimeouts() throws Exception {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            startCluster();
            // A leader a majority follows: the first election of a loaded machine can split votes or depose its
            // winner, and the opening would then measure the elections.
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(5))
                .until(this::majorityFollowsALeader);
            long term = highestTerm();
            long slowest = openOnEveryNode("fresh cluster, attempt " + attempt);
            if (highestTerm() == term) {
                assertThat(slowest).as("slowest first opening, ms").isLessThan(BOUND_MILLIS);
                return;
            }
            logger.info("Another election during the openings (term {} -> {}): not counted, starting over", term,
                    highestTerm());
            stopCluster();
        }
        throw new AssertionError("The elections of a fresh cluster did not settle in " + ATTEMPTS + " attempts");
    }

    @Test
    void sessionOpeningsRightAfterLeaderChangesCompleteWithinFourElectionTimeouts() throws Exception {
        startCluster();
        awaitLeader(null);
        openOnEveryNode("before the first leader change");
        List<Long> counted = new ArrayList<>();
        int churned = 0;
        for (int change = 1; change <= LEADER_CHANGES; change++) {
            String leader = awaitLeader(null);
            long term = highestTerm();
            if (!transferred(leader)) {
                churned++;
                continue;
            }
            long slowest = openOnEveryNode("after leader change " + change + " from " + leader);
            if (highestTerm() == term + 1) {
                counted.add(slowest);
            }
            else {
                churned++;
            }
        }

        logger.info("Slowest opening after each leader change (ms): {}; {} change(s) with further elections not "
                + "counted", counted, churned);
        assertThat(counted).as("leader changes without further elections").hasSizeGreaterThanOrEqualTo(
                LEADER_CHANGES / 2);
        assertThat(counted).as("slowest opening after each leader change, ms")
            .allSatisfy(millis -> assertThat(millis).isLessThan(BOUND_MILLIS));
    }

    private void startCluster() {
        cluster = InJvmEngineCluster.start(NODES, ELECTION_TIMEOUT);
        engines = cluster.engines();
    }

    private void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        engines = Map.of();
    }

    /** Moves the leadership away from {@code leader}; false if it was no longer the leader. */
    private boolean transferred(String leader) throws Exception {
        try {
            engines.get(leader).transferLeadership().get(30, TimeUnit.SECONDS);
            return true;
        }
        catch (ExecutionException ex) {
            logger.info("Leadership transfer from {} failed ({}): another election came first", leader,
                    ex.getCause().toString());
            return false;
        }
    }

    private long highestTerm() {
        return engines.values().stream().mapToLong(engine -> engine.status().term()).max().orElseThrow();
    }

    /** Opens a new session on every node at once, closes them; returns the time the slowest took. */
    private long openOnEveryNode(String when) throws Exception {
        long start = System.nanoTime();
        Map<String, CompletableFuture<SessionClient>> openings = new LinkedHashMap<>();
        engines.forEach((id, engine) -> openings.put(id, engine.sessionCommands().openSeparateSession()));
        Map<String, Long> took = new LinkedHashMap<>();
        for (Map.Entry<String, CompletableFuture<SessionClient>> opening : openings.entrySet()) {
            SessionClient session = opening.getValue().get(30, TimeUnit.SECONDS);
            took.put(opening.getKey(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            session.close();
        }
        logger.info("Session openings {} (ms, per node): {}", when, took);
        return took.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    private boolean majorityFollowsALeader() {
        for (AtomixRaftEngine candidate : engines.values()) {
            RaftNodeStatus status = candidate.status();
            if (status.role() == RaftRole.LEADER) {
                long following = engines.values().stream().map(AtomixRaftEngine::status)
                    .filter(other -> other.term() == status.term() && other.leader() != null
                            && other.leader().id().equals(candidate.nodeId()))
                    .count();
                return following > NODES / 2;
            }
        }
        return false;
    }

    /** The node in the LEADER role, other than {@code not}. */
    private String awaitLeader(String not) {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(5)).until(() -> {
            for (AtomixRaftEngine engine : engines.values()) {
                if (engine.status().role() == RaftRole.LEADER && !engine.nodeId().equals(not)) {
                    found[0] = engine.nodeId();
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
