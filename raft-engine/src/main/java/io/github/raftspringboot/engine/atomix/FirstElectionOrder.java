package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The order in which voters that start together stand for their first election: by their place in the sorted list
 * of voter ids ({@link EarlyFirstPoll}'s turn). Drawn at random alone, their early polls were answered together (a
 * starting peer answers the polls queued for it at once), two or three nodes stood in the same few milliseconds,
 * each voted for itself and the first election was split, costing another election timer.
 * <p>
 * So, during its start, a node that knows no leader turns down the poll (pre-vote) of a peer whose turn comes after
 * its own while its own early poll is pending, and, for half an election timeout after it granted a peer's poll, the
 * polls of the peers whose turns come after that one. Both only refuse polls, so safety does not rest on them, and only for a
 * bounded time: a leader is still elected when the first in turn is down (the second in turn gets the third's
 * grant), and two election timeouts after the node's own early poll (or its start, when its turn is too late for
 * one) every poll is answered as before, whatever the first in turn does. Nothing changes once the node has known
 * a leader, voted, or seen a newer term than its start's.
 */
final class FirstElectionOrder {

    private final Duration electionTimeout;

    /** The voters' ids, sorted; empty until the node starts its first poll. */
    private volatile List<String> voters = List.of();

    private volatile int ownTurn = -1;

    private volatile long startTerm = -1;

    /** The vote the node had given in {@link #startTerm} when it started (a restarted node keeps its vote). */
    private volatile String startVote;

    private volatile long ownPollUntilNanos;

    private volatile long endNanos;

    private volatile int grantedTurn = Integer.MAX_VALUE;

    private volatile long grantedUntilNanos;

    /** Set once a leader, a vote or a newer term was seen: the order no longer applies. */
    private volatile boolean over;

    FirstElectionOrder(Duration electionTimeout) {
        this.electionTimeout = electionTimeout;
    }

    /**
     * The node started following in {@code term} (having given {@code vote} in it, or null), at {@code turn} among
     * {@code sortedVoters}, and polls {@code ownPollDelay} from now (null: it does not poll early). Until that poll has
     * had an election timeout to be answered, peers after it in turn are refused.
     */
    void start(List<String> sortedVoters, int turn, long term, String vote, Duration ownPollDelay, long nowNanos) {
        long delay = (ownPollDelay == null) ? 0 : ownPollDelay.toNanos();
        this.voters = List.copyOf(sortedVoters);
        this.startTerm = term;
        this.startVote = vote;
        this.ownPollUntilNanos = (ownPollDelay == null) ? nowNanos : nowNanos + delay + electionTimeout.toNanos();
        this.endNanos = nowNanos + delay + 2 * electionTimeout.toNanos();
        this.ownTurn = turn;
    }

    /**
     * Whether the poll of {@code candidate} is to be turned down now; {@code term}, {@code vote} and
     * {@code leaderKnown} are this node's state.
     */
    boolean refuses(String candidate, long term, String vote, boolean leaderKnown, long nowNanos) {
        if (over || ownTurn < 0 || nowNanos - endNanos >= 0) {
            return false;
        }
        if (leaderKnown || term != startTerm || !Objects.equals(vote, startVote)) {
            over = true;
            return false;
        }
        int turn = voters.indexOf(candidate);
        if (turn < 0) {
            return false;
        }
        boolean ownPollPending = turn > ownTurn && nowNanos - ownPollUntilNanos < 0;
        boolean earlierGranted = turn > grantedTurn && nowNanos - grantedUntilNanos < 0;
        return ownPollPending || earlierGranted;
    }

    /** This node granted the poll of {@code candidate}: later ones in turn wait half an election timeout. */
    void granted(String candidate, long nowNanos) {
        int turn = voters.indexOf(candidate);
        if (turn < 0 || over) {
            return;
        }
        if (turn < grantedTurn || nowNanos - grantedUntilNanos >= 0) {
            grantedTurn = turn;
        }
        grantedUntilNanos = nowNanos + electionTimeout.toNanos() / 2;
    }
}
