package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.time.Duration;

import io.atomix.protocols.raft.cluster.impl.RaftMemberContext;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.roles.LeaderRole;
import io.atomix.utils.concurrent.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a leader trying a follower it cannot reach once per heartbeat, as etcd's leader probes one.
 * <p>
 * Atomix's leader backs off from a member whose requests failed five times in a row: it tries again only once
 * {@code heartbeat × 2^failures} has passed since the first failure, up to a minute (with a 150 ms heartbeat: 4.8,
 * 9.6, 19.2 and 38.4 s after it). Five failures take under a second: a follower that restarts, or whose link heals,
 * then gets no entries until the next try, and serves no linearizable read meanwhile. Atomix's leader forgets the
 * failures when the follower's pre-vote reaches it, which is only once the follower's election timer has run out,
 * and a follower still hearing the leader's {@link LeaderBeats beats} sends no pre-vote at all.
 * <p>
 * Every heartbeat interval, on the Raft thread of a leader, a member's failure count above three is set back to three:
 * the member still counts as failing (Atomix's step-down check looks for three failures, and the appender sends a
 * failing member only empty appends, which read nothing from disk), and the count stays below the backoff's five even
 * if a write's append fails too before the next heartbeat, which then tries the member again. A try costs a refused
 * connection, or one small message to a peer that is back.
 */
final class FollowerRetryCap {

    private static final Logger logger = LoggerFactory.getLogger(FollowerRetryCap.class);

    /**
     * The count at which Atomix's leader counts a member as unreachable when it checks that it still reaches a
     * majority; its {@code LeaderAppender} backs off from five.
     */
    static final int MAX_FAILURES = 3;

    private static final Field FAILURES = failuresField();

    private FollowerRetryCap() {
    }

    /** Caps the failure counts of {@code context}'s followers every {@code interval} while it leads. */
    static Scheduled install(RaftContext context, Duration interval) {
        return context.getThreadContext().schedule(interval, interval, () -> {
            if (context.getRaftRole() instanceof LeaderRole) {
                context.getCluster().getRemoteMemberStates().forEach(FollowerRetryCap::cap);
            }
        });
    }

    /** Sets {@code member}'s failure count back to {@link #MAX_FAILURES} if above it; on the Raft thread. */
    static void cap(RaftMemberContext member) {
        if (member.getFailureCount() <= MAX_FAILURES) {
            return;
        }
        try {
            FAILURES.setInt(member, MAX_FAILURES);
        }
        catch (IllegalAccessException | RuntimeException ex) {
            // Atomix's backoff still reaches the member, later: slower recovery of a follower, not a fault.
            logger.warn("Could not reset the failure count of Raft member {}: {}", member.getMember().memberId(),
                    ex.toString());
        }
    }

    private static Field failuresField() {
        try {
            Field field = RaftMemberContext.class.getDeclaredField("failures");
            field.setAccessible(true);
            return field;
        }
        catch (NoSuchFieldException | RuntimeException ex) {
            throw new IllegalStateException("Cannot reach the failure count of Atomix's RaftMemberContext (not "
                    + "Atomix 3.1.12?)", ex);
        }
    }
}
