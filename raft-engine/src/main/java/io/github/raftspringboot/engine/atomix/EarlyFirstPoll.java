package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.roles.FollowerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node that has just started, with other voters and no leader yet, polls its peers (Raft's pre-vote) a moment after
 * it becomes a follower, instead of waiting out its first election timer (1-1.5 × {@code raft.election-timeout},
 * drawn as the role starts: {@code FollowerTimerRange}). When a whole cluster starts together, the first leader comes
 * that much sooner; etcd fast-forwards a starting member's election ticks for the same reason.
 * <p>
 * It changes nothing for a cluster that has a leader: a peer that heard from its leader within an election timeout
 * refuses the poll (the leader's stickiness, {@code GrpcServerProtocol}), and a poll that gets no majority (peers
 * refusing, or not up yet) puts the follower back on its ordinary timer. A poll is not a vote: no term changes.
 * <p>
 * Nor does it poll once an election has begun without it: a node that voted since (or saw a newer term) leaves
 * the candidate its election timeout, as Raft has a node do after granting a vote. Without that check a node that
 * had just voted for the winner polled a few milliseconds later, before the new leader's first message reached it,
 * got the poll through a peer that had not heard from the leader either, and unseated it in a second election.
 * <p>
 * The voters poll in turn, by their place in the sorted list of voter ids, two fifths of an election timeout apart,
 * and while it waits for its own poll a node turns down the polls of those after it ({@link FirstElectionOrder}). A
 * node whose turn would not come before its own election timer does not poll early.
 */
final class EarlyFirstPoll {

    private static final Logger logger = LoggerFactory.getLogger(EarlyFirstPoll.class);

    private static final Method CANCEL_TIMERS = method("cancelHeartbeatTimers");

    private static final Method SEND_POLLS = method("sendPollRequests");

    private static final Method RESET_TIMER = method("resetHeartbeatTimeout");

    private EarlyFirstPoll() {
    }

    /**
     * On the Raft thread, once the node has joined as a follower: schedules one poll at its turn
     * ({@link #delayMillis}).
     */
    static void schedule(RaftContext context, String nodeId, Duration electionTimeout, FirstElectionOrder order) {
        if (CANCEL_TIMERS == null || SEND_POLLS == null || RESET_TIMER == null
                || !(context.getRaftRole() instanceof FollowerRole follower)) {
            return;
        }
        List<String> voters = sortedVoters(context);
        int turn = Math.max(0, voters.indexOf(nodeId));
        long delayMillis = delayMillis(turn, electionTimeout.toMillis(), ThreadLocalRandom.current());
        long term = context.getTerm();
        MemberId vote = context.getLastVotedFor();
        Duration delay = (delayMillis < 0) ? null : Duration.ofMillis(delayMillis);
        order.start(voters, turn, term, (vote == null) ? null : vote.id(), delay, System.nanoTime());
        if (delay == null) {
            logger.debug("Raft node '{}' does not poll early: its turn among the voters ({}) comes after its "
                    + "election timer", nodeId, turn);
            return;
        }
        context.getThreadContext().schedule(delay, () -> {
            if (context.getRaftRole() != follower || context.getLeader() != null
                    || context.getRole() != RaftServer.Role.FOLLOWER) {
                return;
            }
            if (electionSince(term, vote, context.getTerm(), context.getLastVotedFor())) {
                logger.debug("Raft node '{}' does not poll early: an election began after it started (term {}, its "
                        + "vote for {})", nodeId, context.getTerm(), context.getLastVotedFor());
                return;
            }
            logger.debug("Raft node '{}' has no leader {} ms after it started following: it polls its peers now (turn "
                    + "{} among the voters) instead of after an election timeout", nodeId, delay.toMillis(), turn);
            try {
                // The first timer goes: left running, it would clear the leader this poll may have found.
                CANCEL_TIMERS.invoke(follower);
                SEND_POLLS.invoke(follower);
            }
            catch (IllegalAccessException | InvocationTargetException ex) {
                logger.warn("Raft node '{}' could not poll its peers early ({}): it waits for its election timer",
                        nodeId, ex.toString());
                restartTimer(follower, nodeId);
            }
        });
    }

    /**
     * When the voter at {@code turn} (0 for the first of the sorted voter ids) polls: at 10-20 % of the election
     * timeout, drawn at random, plus two fifths of it per turn; -1 if that is not before one election timeout, the
     * shortest election timer a follower draws ({@code FollowerTimerRange}).
     */
    static long delayMillis(int turn, long electionTimeoutMillis, RandomGenerator random) {
        long bound = Math.max(2, electionTimeoutMillis / 5);
        long delay = random.nextLong(bound / 2, bound) + turn * (2 * electionTimeoutMillis / 5);
        return (delay < electionTimeoutMillis) ? delay : -1;
    }

    /** The ids of the cluster's voters, sorted: a voter's place in it is its turn. */
    private static List<String> sortedVoters(RaftContext context) {
        return context.getCluster().getMembers().stream()
            .filter(member -> member.getType() == RaftMember.Type.ACTIVE)
            .map(member -> member.memberId().id())
            .sorted()
            .toList();
    }

    /** Whether the node saw a newer term or gave a vote since it started following in {@code term}. */
    static boolean electionSince(long term, MemberId vote, long termNow, MemberId voteNow) {
        return termNow != term || !Objects.equals(vote, voteNow);
    }

    /** A follower must never be left without its election timer: it would never stand for election. */
    private static void restartTimer(FollowerRole follower, String nodeId) {
        try {
            RESET_TIMER.invoke(follower);
        }
        catch (IllegalAccessException | InvocationTargetException ex) {
            throw new IllegalStateException("Raft node '" + nodeId + "' could not set its election timer again", ex);
        }
    }

    private static Method method(String name) {
        try {
            Method method = FollowerRole.class.getDeclaredMethod(name);
            method.setAccessible(true);
            return method;
        }
        catch (NoSuchMethodException | RuntimeException ex) {
            // Without it the first election waits for the timer, as in Atomix: slower, not wrong.
            logger.warn("Cannot reach Atomix's FollowerRole.{} (not Atomix 3.1.12?): the first election of a start "
                    + "waits for the election timer", name, ex);
            return null;
        }
    }
}
