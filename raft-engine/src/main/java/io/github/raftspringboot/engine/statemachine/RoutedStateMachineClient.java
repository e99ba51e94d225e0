package io.github.raftspringboot.engine.statemachine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftStateMachineClient;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.ApiCallbacks;
import io.github.raftspringboot.engine.RequestDeadlines;

/** Frames commands and queries for one named state machine; outcomes complete on {@link ApiCallbacks}. */
final class RoutedStateMachineClient implements RaftStateMachineClient {

    private final RaftEngine engine;

    private final ReplicatedStateMachine machine;

    private final String name;

    private final long timeoutMillis;

    private final String localQueryTimedOut;

    /** The highest index this client's writes were applied at: LOCAL queries wait for it (read your writes). */
    private final AtomicLong lastWriteIndex = new AtomicLong();

    RoutedStateMachineClient(RaftEngine engine, StateMachineRouter router, String name, long timeoutMillis) {
        this.engine = engine;
        this.machine = router.machine(name);
        this.name = name;
        this.timeoutMillis = timeoutMillis;
        this.localQueryTimedOut = "A LOCAL query waited " + timeoutMillis
                + " ms for this node to apply this client's earlier writes";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Applied> submit(byte[] command) {
        String problem = machine.validate(command);
        if (problem != null) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.INVALID_REQUEST,
                    "State machine '" + name + "' refused the command: " + problem));
        }
        return ApiCallbacks.complete(engine.submit(StateMachineRouter.frame(name, command)), result -> {
            lastWriteIndex.accumulateAndGet(result.index(), Math::max);
            return new Applied(result.index(), result.result());
        });
    }

    @Override
    public CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency) {
        if (consistency == ReadConsistency.LOCAL) {
            CompletableFuture<Void> applied = RequestDeadlines.appliedWithin(engine.awaitApplied(lastWriteIndex.get()),
                    timeoutMillis, localQueryTimedOut);
            return ApiCallbacks.complete(applied, ignored -> machine.query(query));
        }
        return ApiCallbacks.complete(engine.linearizableQuery(StateMachineRouter.frame(name, query)));
    }

    @Override
    public String toString() {
        return "RaftStateMachineClient{" + name + "}";
    }
}
