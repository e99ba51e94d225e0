package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.roles.LeaderRole;
import io.atomix.protocols.raft.roles.RaftRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftException;

/**
 * The read index of a leader (Raft thesis, section 6.4): its commit index, once a heartbeat round to a majority, sent
 * after the call, has confirmed that no other leader was elected meanwhile. Every write acknowledged before the call
 * is at or below that index, so a node whose state machine has applied it can answer a read from its own state.
 * <p>
 * The heartbeat round: Atomix's {@code LeaderAppender.appendEntries()} makes the leader send an append request to every
 * follower (or right after the one in flight), shared by every call waiting at that moment; the round is confirmed
 * when a majority answered, in this term, requests sent after the call ({@link AppendAcknowledgements}). Atomix keeps
 * the appender private, so it is reached by reflection.
 */
final class LeaderReadIndex {

    private static final Logger logger = LoggerFactory.getLogger(LeaderReadIndex.class);

    private static final Field APPENDER = field(LeaderRole.class, "appender");

    private static final Method APPENDER_INDEX = method("getIndex");

    private static final Method HEARTBEAT_ROUND = method("appendEntries");

    private static final Method COMMIT_OF = method("appendEntries", long.class);

    private final RaftContext context;

    private final AppendAcknowledgements acknowledgements;

    LeaderReadIndex(RaftContext context, AppendAcknowledgements acknowledgements) {
        this.context = context;
        this.acknowledgements = acknowledgements;
    }

    /** Whether this node is the leader right now (it may not be by the time a read index is confirmed). */
    boolean isLeader() {
        return context.getRaftRole() instanceof LeaderRole;
    }

    /**
     * The read index, or a {@link RaftException} (NOT_LEADER when this node does not lead or lost the leadership
     * during the round, NO_LEADER when no majority answered the round).
     */
    CompletableFuture<Long> confirm() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        context.getThreadContext().execute(() -> startSafely(result));
        return result;
    }

    /** On the Raft thread; a failure fails the read index instead of leaving it unanswered. */
    private void startSafely(CompletableFuture<Long> result) {
        try {
            start(result);
        }
        catch (RuntimeException ex) {
            result.completeExceptionally(ex);
        }
    }

    /** On the Raft thread. */
    private void start(CompletableFuture<Long> result) {
        RaftRole role = context.getRaftRole();
        if (!(role instanceof LeaderRole)) {
            result.completeExceptionally(notLeader());
            return;
        }
        long term = context.getTerm();
        Object appender = get(APPENDER, role);
        long firstIndexOfTerm = (Long) invoke(APPENDER_INDEX, appender);
        long commitIndex = context.getCommitIndex();
        if (firstIndexOfTerm == 0 || commitIndex < firstIndexOfTerm) {
            // A new leader knows which entries are committed only once an entry of its own term is (section 6.4).
            CompletableFuture<?> committed = (CompletableFuture<?>) invoke(COMMIT_OF, appender, firstIndexOfTerm);
            committed.whenComplete((index, error) -> {
                if (error != null) {
                    result.completeExceptionally(noQuorum(error));
                }
                else {
                    context.getThreadContext().execute(() -> startSafely(result));
                }
            });
            return;
        }
        List<String> voters = context.getCluster().getActiveMemberStates().stream()
            .map(member -> member.getMember().memberId().id())
            .toList();
        CompletableFuture<Void> confirmed = acknowledgements.await(acknowledgements.mark(), term, voters,
                context.getCluster().getQuorum() - 1);
        // Atomix's round makes the leader send heartbeats until a majority answered; it fails once the leader has
        // heard from no majority for an election timeout, or steps down.
        CompletableFuture<?> round = (CompletableFuture<?>) invoke(HEARTBEAT_ROUND, appender);
        round.whenComplete((ignored, error) -> {
            if (error != null && confirmed.completeExceptionally(noQuorum(error))) {
                acknowledgements.forget(confirmed);
            }
        });
        // The caller gave up (ReadIndexBatcher's bound): the answers are no longer awaited. What was missing is
        // logged first: a round that a live majority never confirms is a defect to report (troubleshooting.md).
        result.whenComplete((index, error) -> {
            if (error != null && !confirmed.isDone()) {
                String waitedFor = acknowledgements.describe(confirmed);
                acknowledgements.forget(confirmed);
                context.getThreadContext().execute(() -> logger.warn("A read-index confirmation was given up: {}; "
                        + "Atomix's round {}; role {}, term {}; followers: {}", waitedFor,
                        round.isDone() ? "ended" : "still open", context.getRaftRole().role(), context.getTerm(),
                        context.getCluster().getRemoteMemberStates()));
            }
        });
        confirmed.whenComplete((ignored, error) -> context.getThreadContext().execute(() -> {
            if (error != null) {
                result.completeExceptionally(error);
            }
            // A leader that saw a higher term in an answer has stepped down by now: the role is checked again.
            else if (context.getRaftRole() != role || context.getTerm() != term) {
                result.completeExceptionally(notLeader());
            }
            else {
                result.complete(commitIndex);
            }
        }));
    }

    private RaftException notLeader() {
        String leader = (context.getLeader() != null) ? context.getLeader().memberId().id() : null;
        return new RaftException(RaftException.Reason.NOT_LEADER,
                "Linearizable read: this node is not the leader" + AtomixErrors.leaderHint(leader), leader, null);
    }

    private static RaftException noQuorum(Throwable error) {
        return new RaftException(RaftException.Reason.NO_LEADER, "Linearizable read: the leader could not confirm "
                + "its leadership with a majority (" + AtomixErrors.unwrap(error).getMessage() + ")", null,
                AtomixErrors.unwrap(error));
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field found = type.getDeclaredField(name);
            found.setAccessible(true);
            return found;
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            throw new IllegalStateException("Atomix's " + type.getSimpleName() + " has no field '" + name
                    + "' (not Atomix 3.1.12?): linearizable reads cannot confirm the leadership", ex);
        }
    }

    private static Method method(String name, Class<?>... parameters) {
        try {
            Method found = APPENDER.getType().getDeclaredMethod(name, parameters);
            found.setAccessible(true);
            return found;
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            throw new IllegalStateException("Atomix's leader appender has no method '" + name
                    + "' (not Atomix 3.1.12?): linearizable reads cannot confirm the leadership", ex);
        }
    }

    private static Object get(Field field, Object target) {
        try {
            return field.get(target);
        }
        catch (IllegalAccessException ex) {
            throw new IllegalStateException("Cannot read Atomix's " + field.getName(), ex);
        }
    }

    private static Object invoke(Method method, Object target, Object... arguments) {
        try {
            return method.invoke(target, arguments);
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException("Cannot call Atomix's " + method.getName(), ex);
        }
    }
}
