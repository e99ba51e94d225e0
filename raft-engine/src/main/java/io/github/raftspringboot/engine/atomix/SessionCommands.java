package io.github.raftspringboot.engine.atomix;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.PrimitiveState;
import io.atomix.primitive.PrimitiveType;
import io.atomix.primitive.Recovery;
import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.operation.PrimitiveOperation;
import io.atomix.primitive.service.ServiceConfig;
import io.atomix.primitive.session.SessionClient;
import io.atomix.protocols.raft.RaftClient;
import io.atomix.protocols.raft.ReadConsistency;
import io.atomix.protocols.raft.impl.RaftContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.engine.RaftEngine.CommandResult;
import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * Commands and queries of this node: the one client session shared by every call (opened on first use, replaced
 * after a failure or a timeout), and the submission of operations on it with the request timeout and error
 * translation.
 */
final class SessionCommands {

    private static final Logger logger = LoggerFactory.getLogger(SessionCommands.class);

    private static final String STATE_MACHINE_NAME = "state-machine";

    private final RaftNodeSettings settings;

    private final RaftContext context;

    private final RaftClient client;

    private final PrimitiveType primitiveType;

    private final BooleanSupplier running;

    private final Supplier<String> leaderId;

    private final AtomicReference<CompletableFuture<SessionClient>> session = new AtomicReference<>();

    private final OrderedSessionCalls calls = new OrderedSessionCalls(this::session, this::abandonSession);

    SessionCommands(RaftNodeSettings settings, RaftContext context, RaftClient client, PrimitiveType primitiveType,
            BooleanSupplier running, Supplier<String> leaderId) {
        this.settings = settings;
        this.context = context;
        this.client = client;
        this.primitiveType = primitiveType;
        this.running = running;
        this.leaderId = leaderId;
    }

    CompletableFuture<CommandResult> submit(byte[] command) {
        return execute(StateMachineService.APPLY, command, "Write").thenApply(SessionCommands::toResult);
    }

    CompletableFuture<Long> submitSystem(OperationId operation, byte[] payload) {
        return execute(operation, payload, "Operation").thenApply(reply -> toResult(reply).index());
    }

    CompletableFuture<byte[]> linearizableQuery(byte[] query) {
        return execute(StateMachineService.QUERY, query, "Read");
    }

    CompletableFuture<byte[]> execute(OperationId operation, byte[] payload, String what) {
        if (!running.getAsBoolean()) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.SHUTDOWN,
                    what + " failed: the Raft node is not running"));
        }
        CompletableFuture<byte[]> result = calls.execute(PrimitiveOperation.operation(operation, payload))
            .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return result.handle((reply, error) -> {
            if (error != null) {
                throw AtomixErrors.translate(error, what, leaderId.get());
            }
            return reply;
        });
    }

    /** A reply of the state machine: the index of the entry, then the result. */
    static CommandResult toResult(byte[] reply) {
        ByteBuffer buffer = ByteBuffer.wrap(reply);
        long index = buffer.getLong();
        byte[] result = new byte[buffer.remaining()];
        buffer.get(result);
        return new CommandResult(index, result);
    }

    /** Closes the session if one is open; the future completes at once when there is none. */
    CompletableFuture<Void> close() {
        CompletableFuture<SessionClient> current = session.getAndSet(null);
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            return current.join().close();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The session shared by every store call of this node, opened on first use and reopened after a failure. */
    private CompletableFuture<SessionClient> session() {
        while (true) {
            CompletableFuture<SessionClient> current = session.get();
            if (current != null && !current.isCompletedExceptionally()
                    && (!current.isDone() || current.join().getState() != PrimitiveState.CLOSED)) {
                return current;
            }
            CompletableFuture<SessionClient> opening = new CompletableFuture<>();
            if (session.compareAndSet(current, opening)) {
                openSession().whenComplete((opened, error) -> {
                    if (error != null) {
                        opening.completeExceptionally(error);
                    }
                    else {
                        opening.complete(opened);
                    }
                });
                return opening;
            }
        }
    }

    /**
     * A call on {@code stuck} timed out. Atomix's session delivers commands in sequence, so a gap the leader waits on
     * holds up every later call of the session. The gap we saw under load came from a lost update on the leader
     * (fixed by {@link ThreadSafeRaftSession}); a call can still time out when the leader is lost mid-call, and
     * Atomix's client has rarer paths that leave a gap it does not fill. So a session with a timed-out call is
     * replaced: the next call opens a new one. Calls still in flight on the old session end as they would on a
     * timeout; none is applied twice.
     */
    private void abandonSession(SessionClient stuck) {
        CompletableFuture<SessionClient> current = session.get();
        if (current == null || !current.isDone() || current.isCompletedExceptionally() || current.join() != stuck
                || !session.compareAndSet(current, null)) {
            return;
        }
        logger.warn("Raft node '{}': a request on its client session {} timed out; opening a new session for the "
                + "next requests", settings.nodeId(), stuck.sessionId());
        stuck.close().whenComplete((closed, error) -> {
            if (error != null) {
                logger.debug("Could not close the abandoned session {}: {}", stuck.sessionId(), error.toString());
            }
        });
    }

    private CompletableFuture<SessionClient> openSession() {
        Collection<MemberId> members = context.getCluster().getMembers().isEmpty() ? ClusterJoin.memberIds(settings)
                : context.getCluster().getMembers().stream().map(member -> member.memberId()).toList();
        return client.connect(members)
            .thenCompose(connected -> connected
                .sessionBuilder(STATE_MACHINE_NAME, primitiveType, new ServiceConfig())
                .withReadConsistency(ReadConsistency.LINEARIZABLE)
                .withMinTimeout(settings.sessionTimeout())
                .withMaxTimeout(settings.sessionTimeout())
                .withRecoveryStrategy(Recovery.RECOVER)
                .withMaxRetries(Integer.MAX_VALUE)
                .withRetryDelay(settings.heartbeatInterval())
                .build()
                .connect());
    }
}
