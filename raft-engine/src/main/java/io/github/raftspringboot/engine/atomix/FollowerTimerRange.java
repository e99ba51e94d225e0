package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.util.Random;

import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.roles.FollowerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws a follower's election timer from 1 to 1.5 × {@code raft.election-timeout} instead of Atomix's 1 to 2 ×.
 * <p>
 * Writes resume after a leader dies or is cut off once a follower's timer has run out, a poll and a vote have
 * passed, and the new leader's first entry has committed. With Atomix's range, the timer alone could take twice the
 * election timeout, and the fault suite saw writes resume 1.06-1.11 s after a kill or isolation (default 500 ms
 * timeout), above the 2 × target. From 1 to 1.5 × it takes at most 750 ms, which leaves the rest of the second
 * election timeout for the election and the first commit. The spread (250 ms by default) is what keeps two followers
 * from standing at once, and it stays two orders of magnitude above a vote's round trip on a LAN; a split vote is
 * retried by the candidates on Atomix's own range, which this does not change.
 * <p>
 * Atomix draws the timer from its {@code FollowerRole}'s own {@link Random}, a new role at each transition: the
 * role's generator is replaced as soon as the role has started (its first timer, set while it started, keeps
 * Atomix's range; every later one, reset by each message of the leader, has the narrower one).
 */
final class FollowerTimerRange {

    private static final Logger logger = LoggerFactory.getLogger(FollowerTimerRange.class);

    private FollowerTimerRange() {
    }

    /** Narrows the timer of every follower role {@code context} starts from now on. */
    static void install(RaftContext context) {
        Field random = randomField();
        context.addRoleChangeListener(role -> {
            if (role == RaftServer.Role.FOLLOWER && context.getRaftRole() instanceof FollowerRole follower) {
                narrow(random, follower);
            }
        });
    }

    /** The generator the follower's timer is drawn from; exposed for the test. */
    static Random generatorOf(FollowerRole follower) {
        try {
            return (Random) randomField().get(follower);
        }
        catch (IllegalAccessException ex) {
            throw new IllegalStateException("Cannot read Atomix's follower timer", ex);
        }
    }

    private static void narrow(Field random, FollowerRole follower) {
        try {
            random.set(follower, new HalfRange());
        }
        catch (IllegalAccessException | RuntimeException ex) {
            // Atomix's own range still elects a leader: slower failover, not a fault.
            logger.warn("Could not narrow the follower's election timer, it stays at 1-2 x the election timeout: {}",
                    ex.toString());
        }
    }

    private static Field randomField() {
        try {
            Field field = FollowerRole.class.getDeclaredField("random");
            field.setAccessible(true);
            return field;
        }
        catch (NoSuchFieldException | RuntimeException ex) {
            throw new IllegalStateException("Cannot reach the election timer of Atomix's FollowerRole (not Atomix "
                    + "3.1.12?)", ex);
        }
    }

    /** Atomix asks for {@code nextInt(electionTimeoutMillis)}: the answer stays below half of it. */
    static final class HalfRange extends Random {

        private static final long serialVersionUID = 1L;

        @Override
        public int nextInt(int bound) {
            return super.nextInt(Math.max(1, bound / 2));
        }
    }
}
