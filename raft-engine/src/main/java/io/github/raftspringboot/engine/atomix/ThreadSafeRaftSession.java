package io.github.raftspringboot.engine.atomix;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.atomix.protocols.raft.impl.OperationResult;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.session.RaftSession;
import io.atomix.utils.concurrent.ThreadContextFactory;

/**
 * Atomix's server-side session with the two fields that two threads share made thread-safe.
 * <p>
 * Upstream (Atomix 3.1.12) keeps a session's request sequence number in a plain {@code long} and updates it with
 * an unsynchronised read-max-write from two threads: the Raft server thread (the leader accepting command
 * {@code n} in {@code LeaderRole.onCommand}) and the state-machine thread (recording the result of an earlier
 * command in {@code registerResult}, and keep-alives). When the two overlap, the state-machine thread writes back
 * the older value it read and the leader's update is lost: the leader then believes command {@code n} never
 * arrived, holds every later command of the session as out of order, and no client resends {@code n} because it
 * was accepted. The node's requests wait until the client's transport deadline and a keep-alive un-stick them
 * (the "10-second stall" of docs/benchmarks.md). The cached results are a plain {@code HashMap} written by the
 * state-machine thread and read by the leader for resent commands, the same defect. Here both are concurrent;
 * everything else is Atomix's.
 */
final class ThreadSafeRaftSession extends RaftSession {

    private final AtomicLong requestSequence = new AtomicLong();

    private final Map<Long, OperationResult> results = new ConcurrentHashMap<>();

    /** Only the state-machine thread clears results, so a volatile is enough. */
    private volatile long resultsClearedUpTo;

    /** A copy of a session Atomix has just created (nothing set on it yet), with thread-safe sequence state. */
    ThreadSafeRaftSession(RaftSession created, RaftContext server, ThreadContextFactory threadContextFactory) {
        super(created.sessionId(), created.memberId(), created.primitiveName(), created.primitiveType(),
                created.readConsistency(), created.minTimeout(), created.maxTimeout(), created.getLastUpdated(),
                created.getService().serializer(), created.getService(), server, threadContextFactory);
    }

    @Override
    public long getRequestSequence() {
        return requestSequence.get();
    }

    @Override
    public long nextRequestSequence() {
        return requestSequence.get() + 1;
    }

    @Override
    public void setRequestSequence(long sequence) {
        requestSequence.accumulateAndGet(sequence, Math::max);
    }

    @Override
    public void resetRequestSequence(long sequence) {
        requestSequence.accumulateAndGet(sequence, Math::max);
    }

    @Override
    public void registerResult(long sequence, OperationResult result) {
        setRequestSequence(sequence);
        results.put(sequence, result);
    }

    @Override
    public void clearResults(long sequence) {
        for (long cleared = resultsClearedUpTo + 1; cleared <= sequence; cleared++) {
            results.remove(cleared);
            resultsClearedUpTo = cleared;
        }
    }

    @Override
    public OperationResult getResult(long sequence) {
        return results.get(sequence);
    }
}
