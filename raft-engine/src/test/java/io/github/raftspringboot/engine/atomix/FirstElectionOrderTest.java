package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Voters started together stand for their first election in turn: a node turns down the polls of those after it
 * while its own poll is pending, and after granting an earlier one's, for a bounded time only.
 */
class FirstElectionOrderTest {

    private static final List<String> VOTERS = List.of("node1", "node2", "node3");

    private static final long MS = 1_000_000L;

    private final FirstElectionOrder order = new FirstElectionOrder(Duration.ofMillis(500));

    @Test
    void whileItsOwnPollIsPendingANodeRefusesThoseAfterItOnly() {
        order.start(VOTERS, 1, 0, null, Duration.ofMillis(250), 0);
        assertThat(order.refuses("node3", 0, null, false, 100 * MS)).isTrue();
        assertThat(order.refuses("node1", 0, null, false, 100 * MS)).isFalse();
        // Its poll had an election timeout to be answered (250 + 500 ms): the next in turn may stand.
        assertThat(order.refuses("node3", 0, null, false, 760 * MS)).isFalse();
    }

    @Test
    void afterGrantingAnEarlierVoterTheLaterOnesWaitHalfAnElectionTimeout() {
        // The last in turn has no one after it to refuse for its own poll.
        order.start(VOTERS, 2, 0, null, Duration.ofMillis(450), 0);
        assertThat(order.refuses("node2", 0, null, false, 10 * MS)).isFalse();
        order.granted("node1", 20 * MS);
        assertThat(order.refuses("node2", 0, null, false, 30 * MS)).isTrue();
        assertThat(order.refuses("node1", 0, null, false, 30 * MS)).isFalse();
        assertThat(order.refuses("node2", 0, null, false, 271 * MS)).isFalse();
    }

    @Test
    void theOrderEndsTwoElectionTimeoutsAfterTheNodesOwnPollWhateverTheOthersDo() {
        order.start(VOTERS, 0, 0, null, Duration.ofMillis(50), 0);
        // The first in turn keeps getting grants but never wins: the others are refused only until the end.
        order.granted("node1", 900 * MS);
        assertThat(order.refuses("node2", 0, null, false, 1_000 * MS)).isTrue();
        assertThat(order.refuses("node2", 0, null, false, 1_050 * MS)).isFalse();
    }

    @Test
    void theOrderEndsOnceTheNodeKnowsALeaderVotedOrSawANewerTerm() {
        order.start(VOTERS, 0, 0, null, Duration.ofMillis(50), 0);
        assertThat(order.refuses("node3", 0, null, true, 10 * MS)).isFalse();
        assertThat(order.refuses("node3", 0, null, false, 20 * MS)).as("over for good").isFalse();

        FirstElectionOrder voted = new FirstElectionOrder(Duration.ofMillis(500));
        voted.start(VOTERS, 0, 0, null, Duration.ofMillis(50), 0);
        assertThat(voted.refuses("node3", 0, "node2", false, 10 * MS)).isFalse();

        FirstElectionOrder newerTerm = new FirstElectionOrder(Duration.ofMillis(500));
        newerTerm.start(VOTERS, 0, 0, null, Duration.ofMillis(50), 0);
        assertThat(newerTerm.refuses("node3", 1, null, false, 10 * MS)).isFalse();
    }

    @Test
    void aRestartedNodeKeepsTheVoteItGaveBeforeItStoppedWithoutEndingTheOrder() {
        order.start(VOTERS, 0, 4, "node2", Duration.ofMillis(50), 0);
        assertThat(order.refuses("node3", 4, "node2", false, 10 * MS)).isTrue();
    }

    @Test
    void aNodeWhoseTurnIsTooLateToPollEarlyStillKeepsTheOrderOfTheGrants() {
        order.start(List.of("a", "b", "c", "d", "e"), 4, 0, null, null, 0);
        order.granted("b", 10 * MS);
        assertThat(order.refuses("c", 0, null, false, 20 * MS)).isTrue();
        assertThat(order.refuses("a", 0, null, false, 20 * MS)).isFalse();
        // Without a poll of its own, the order ends two election timeouts after its start.
        assertThat(order.refuses("c", 0, null, false, 1_000 * MS)).isFalse();
    }

    @Test
    void nothingIsRefusedBeforeTheNodeStartedOrForAnUnknownCandidate() {
        assertThat(order.refuses("node3", 0, null, false, 0)).isFalse();
        order.start(VOTERS, 0, 0, null, Duration.ofMillis(50), 0);
        assertThat(order.refuses("node9", 0, null, false, 10 * MS)).isFalse();
    }
}
