package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.roles.FollowerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node that has just started, with other voters and no leader yet, polls its peers (Raft's pre-vote) a moment after
 * it becomes a follower, instead of waiting out its first election timer (1-2 × {@code raft.election-timeout}, which
 * Atomix draws as the role starts). When a whole cluster starts together, the first leader comes that much sooner;
 * etcd fast-forwards a starting member's election ticks for the same reason.
 * <p>
 * It changes nothing for a cluster that has a leader: a peer that heard from its leader within an election timeout
 * refuses the poll (the leader's stickiness, {@code GrpcServerProtocol}), and a poll that gets no majority (peers
 * refusing, or not up yet) puts the follower back on its ordinary timer. A poll is not a vote: no term changes.
 * <p>
 * Nor does it poll once an election has begun without it: a node that voted since (or saw a newer term) leaves
 * the candidate its election timeout, as Raft has a node do after granting a vote. Without that check a node that
 * had just voted for the winner polled a few milliseconds later, before the new leader's first message reached it,
 * got the poll through a peer that had not heard from the leader either, and unseated it in a second election.
 */
final class EarlyFirstPoll {

    private static final Logger logger = LoggerFactory.getLogger(EarlyFirstPoll.class);

    private static final Method CANCEL_TIMERS = method("cancelHeartbeatTimers");

    private static final Method SEND_POLLS = method("sendPollRequests");

    private static final Method RESET_TIMER = method("resetHeartbeatTimeout");

    private EarlyFirstPoll() {
    }

    /**
     * On the Raft thread, once the node has joined as a follower: schedules one poll within a fifth of
     * {@code electionTimeout} (drawn at random, so that nodes started together do not all poll at once).
     */
    static void schedule(RaftContext context, String nodeId, Duration electionTimeout) {
        if (CANCEL_TIMERS == null || SEND_POLLS == null || RESET_TIMER == null
                || !(context.getRaftRole() instanceof FollowerRole follower)) {
            return;
        }
        long bound = Math.max(2, electionTimeout.toMillis() / 5);
        Duration delay = Duration.ofMillis(ThreadLocalRandom.current().nextLong(bound / 2, bound));
        long term = context.getTerm();
        MemberId vote = context.getLastVotedFor();
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
            logger.debug("Raft node '{}' has no leader {} ms after it started following: it polls its peers now "
                    + "instead of after an election timeout", nodeId, delay.toMillis());
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
