package io.github.raftspringboot.engine.atomix;

import java.util.random.RandomGenerator;

import io.atomix.cluster.MemberId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A starting node polls early only while no election has begun without it, and at its turn among the voters (the
 * cluster case is {@code EarlyFirstPollTest} of the auto-configuration module).
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

    @Test
    void theVotersPollInTurnTwoFifthsOfAnElectionTimeoutApart() {
        RandomGenerator lowest = fixed(0.0);
        RandomGenerator highest = fixed(0.999_999);
        assertThat(EarlyFirstPoll.delayMillis(0, 500, lowest)).isEqualTo(50);
        assertThat(EarlyFirstPoll.delayMillis(0, 500, highest)).isEqualTo(99);
        assertThat(EarlyFirstPoll.delayMillis(1, 500, lowest)).isEqualTo(250);
        assertThat(EarlyFirstPoll.delayMillis(1, 500, highest)).isEqualTo(299);
        // The third voter still polls before the shortest election timer a follower draws (one election timeout).
        assertThat(EarlyFirstPoll.delayMillis(2, 500, highest)).isEqualTo(499);
    }

    @Test
    void aVoterWhoseTurnComesAfterItsElectionTimerDoesNotPollEarly() {
        assertThat(EarlyFirstPoll.delayMillis(3, 500, fixed(0.0))).isEqualTo(-1);
        assertThat(EarlyFirstPoll.delayMillis(4, 500, fixed(0.5))).isEqualTo(-1);
    }

    @Test
    void aShortElectionTimeoutStillGivesEachTurnItsOwnWindow() {
        // 150 ms, as in the project's fast tests: 15-29, 75-89, 135-149 ms.
        assertThat(EarlyFirstPoll.delayMillis(0, 150, fixed(0.999_999))).isLessThan(
                EarlyFirstPoll.delayMillis(1, 150, fixed(0.0)));
        assertThat(EarlyFirstPoll.delayMillis(1, 150, fixed(0.999_999))).isLessThan(
                EarlyFirstPoll.delayMillis(2, 150, fixed(0.0)));
        assertThat(EarlyFirstPoll.delayMillis(2, 150, fixed(0.999_999))).isBetween(0L, 149L);
    }

    /** A generator whose every draw is at {@code fraction} of its range. */
    private static RandomGenerator fixed(double fraction) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only ranged draws are used");
            }

            @Override
            public long nextLong(long origin, long bound) {
                return origin + (long) (fraction * (bound - origin));
            }
        };
    }
}
