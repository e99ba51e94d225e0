package io.github.raftspringboot.autoconfigure.leader;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftLeaderOnly;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;

/** Lets a {@link RaftLeaderOnly} method run on the leader only; see the annotation for what followers do. */
final class RaftLeaderOnlyInterceptor implements MethodInterceptor {

    private static final Logger logger = LoggerFactory.getLogger(RaftLeaderOnlyInterceptor.class);

    private final Supplier<RaftNode> node;

    private final Supplier<Duration> verifyTimeout;

    /**
     * @param node          the local node, looked up on first use (advisors are created before most beans)
     * @param verifyTimeout (looked up on first use too) how long {@link RaftLeaderOnly#verify()} waits for a majority's answer
     */
    RaftLeaderOnlyInterceptor(Supplier<RaftNode> node, Supplier<Duration> verifyTimeout) {
        this.node = node;
        this.verifyTimeout = verifyTimeout;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = invocation.getMethod();
        RaftLeaderOnly settings = AnnotatedElementUtils.findMergedAnnotation(method, RaftLeaderOnly.class);
        RaftNode local = node.get();
        String notLeader = notLeaderReason(local, settings != null && settings.verify());
        if (notLeader == null) {
            return invocation.proceed();
        }
        if (method.getReturnType() == void.class) {
            logger.debug("Skipped {}.{}: {}", method.getDeclaringClass().getSimpleName(), method.getName(), notLeader);
            return null;
        }
        RaftNodeStatus status = local.status();
        String leader = (status.leader() != null) ? status.leader().id() : null;
        throw new RaftException(RaftException.Reason.NOT_LEADER, method.getDeclaringClass().getSimpleName() + "."
                + method.getName() + " runs on the Raft leader only: " + notLeader
                + ((leader != null) ? "; the leader is " + leader : ""), leader, null);
    }

    /** Why this node may not run the method now, or {@code null} when it may. */
    private String notLeaderReason(RaftNode local, boolean verify) {
        if (!local.isLeader()) {
            return local.nodeId() + " is not the leader";
        }
        if (!verify) {
            return null;
        }
        try {
            RaftFutures.await(local.verifyLeader(), verifyTimeout.get());
            return null;
        }
        catch (RaftException ex) {
            return local.nodeId() + " could not confirm its leadership with a majority (" + ex.getMessage() + ")";
        }
    }
}
