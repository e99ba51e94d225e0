package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.raftspringboot.api.RaftException;

/**
 * The member an engine operation is handed to: the one {@link EngineLifecycle} opened, for some operations only while
 * the node runs. Without it, the operation fails with {@link RaftException.Reason#SHUTDOWN}: as a failed future for
 * the asynchronous operations, thrown for the others.
 */
final class MemberCalls {

    private final EngineLifecycle lifecycle;

    MemberCalls(EngineLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** The call on the opened member, running or not; a failed future before the node opened. */
    <T> CompletableFuture<T> onOpened(String operation, Function<AtomixMember, CompletableFuture<T>> call) {
        AtomixMember current = lifecycle.member();
        return (current != null) ? call.apply(current) : notRunning(operation);
    }

    /** The call on the member while the node runs; a failed future otherwise. */
    <T> CompletableFuture<T> onRunning(String operation, Function<AtomixMember, CompletableFuture<T>> call) {
        AtomixMember current = lifecycle.member();
        return (lifecycle.isRunning() && current != null) ? call.apply(current) : notRunning(operation);
    }

    /** The call on the running member once it confirmed it leads; throws while the node is not running. */
    <T> CompletableFuture<T> onLeader(String operation, Function<AtomixMember, CompletableFuture<T>> call) {
        AtomixMember current = lifecycle.member();
        return membership().requireLeader(operation).thenCompose(ignored -> call.apply(current));
    }

    /** What the opened member answers, running or not; the fallback's value before the node opened. */
    <T> T fromOpened(Function<AtomixMember, T> read, Supplier<T> fallback) {
        AtomixMember current = lifecycle.member();
        return (current != null) ? read.apply(current) : fallback.get();
    }

    /** The opened member, running or not; throws before the node opened. */
    AtomixMember opened() {
        AtomixMember current = lifecycle.member();
        if (current == null) {
            throw new RaftException(RaftException.Reason.SHUTDOWN, "The Raft node has not started");
        }
        return current;
    }

    /** The member while the node runs, for an operation that blocks; throws otherwise. */
    AtomixMember running(String operation) {
        AtomixMember current = lifecycle.member();
        if (current == null || !lifecycle.isRunning()) {
            throw new RaftException(RaftException.Reason.SHUTDOWN, operation + " failed: the Raft node is not running");
        }
        return current;
    }

    /** The running member's membership and leadership operations; throws while the node is not running. */
    MembershipOperations membership() {
        AtomixMember current = lifecycle.member();
        if (!lifecycle.isRunning() || current == null) {
            throw new RaftException(RaftException.Reason.SHUTDOWN, "The Raft node is not running");
        }
        return current.membership;
    }

    private static <T> CompletableFuture<T> notRunning(String operation) {
        return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.SHUTDOWN,
                operation + " failed: the Raft node is not running"));
    }
}
