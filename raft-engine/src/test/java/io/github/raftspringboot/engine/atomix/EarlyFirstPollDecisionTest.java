package io.github.raftspringboot.engine.atomix;

import io.atomix.cluster.MemberId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A starting node polls early only while no election has begun without it (the cluster case is
 * {@code EarlyFirstPollTest} of the auto-configuration module).
 */
class EarlyFirstPollDecisionTest {

    private static final MemberId NODE2 = MemberId.from("node2");

    @Test
    void nothingHappenedSinceTheNodeStarted() {
        assertThat(EarlyFirstPoll.electionSince(0, null, 0, null)).isFalse();
        // A node restarted in term 4, with the vote it gave in that term before it stopped.
        assertThat(EarlyFirstPoll.electionSince(4, NODE2, 4, MemberId.from("node2"))).isFalse();
    }

    @Test
    void theNodeVotedForACandidateInTheTermItStartedIn() {
        assertThat(EarlyFirstPoll.electionSince(0, null, 0, NODE2)).isTrue();
    }

    @Test
    void theNodeSawANewerTerm() {
        assertThat(EarlyFirstPoll.electionSince(0, null, 1, null)).isTrue();
        assertThat(EarlyFirstPoll.electionSince(0, null, 1, NODE2)).isTrue();
    }
}
