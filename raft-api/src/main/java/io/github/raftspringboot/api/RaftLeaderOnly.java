package io.github.raftspringboot.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method of a Spring bean only on the Raft leader: typically an {@code @Scheduled} job that the
 * cluster should do once, not once per node. On a node that is not the leader a {@code void} method is skipped (a
 * DEBUG log line says so) and a method that returns a value throws {@link RaftException} with reason
 * {@link RaftException.Reason#NOT_LEADER}, naming the leader.
 * <p>
 * The leader is the node's own view: for a moment around a leader change an old leader may still run a call before it
 * learns of the new one. {@link #verify()} closes most of that window at the cost of a heartbeat round per call; work
 * that must never run twice at once needs a lock with a fencing token.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RaftLeaderOnly {

    /**
     * Confirm leadership with a majority ({@link RaftNode#verifyLeader()}) before each call, instead of trusting this
     * node's view.
     */
    boolean verify() default false;
}
