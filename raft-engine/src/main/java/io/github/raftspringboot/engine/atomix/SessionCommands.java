package io.github.raftspringboot.engine.atomix;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.PrimitiveType;
import io.atomix.primitive.Recovery;
import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.operation.PrimitiveOperation;
import io.atomix.primitive.service.ServiceConfig;
import io.atomix.primitive.session.SessionClient;
import io.atomix.protocols.raft.RaftClient;
import io.atomix.protocols.raft.ReadConsistency;
import io.atomix.protocols.raft.impl.RaftContext;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.engine.RaftEngine.CommandResult;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.RequestDeadlines;

/**
 * Commands and queries of this node: the one client session shared by every call ({@link SessionSlot}), and the
 * submission of operations on it with the request timeout and error translation.
 */
final class SessionCommands {

    private static final String STATE_MACHINE_NAME = "state-machine";

    private final RaftNodeSettings settings;

    private final RaftContext context;

    private final RaftClient client;

    private final PrimitiveType primitiveType;

    private final BooleanSupplier running;

    private final Supplier<String> leaderId;

    private final SessionSlot session;

    private final OrderedSessionCalls calls;

    SessionCommands(RaftNodeSettings settings, RaftContext context, RaftClient client, PrimitiveType primitiveType,
            BooleanSupplier running, Supplier<String> leaderId) {
        this.settings = settings;
        this.context = context;
        this.client = client;
        this.primitiveType = primitiveType;
        this.running = running;
        this.leaderId = leaderId;
        // An opening that hangs is given up after two election timeouts at first, so that the call waiting on it
        // still has time for the next opening, which is usually quick. The hang seen right after a fresh leader's
        // election (a refusal as not ready taken for no leader) is fixed in LeaderAwaitingClientProtocol; this
        // bound stays as the net for an opening that hangs for another reason.
        this.session = new SessionSlot(settings.nodeId(), this::openSession, settings.electionTimeout().multipliedBy(2),
                settings.requestTimeout());
        this.calls = new OrderedSessionCalls(session::current, session::abandon);
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
        CompletableFuture<byte[]> result = RequestDeadlines.orTimeout(
                calls.execute(PrimitiveOperation.operation(operation, payload)), settings.requestTimeout().toMillis());
        return result.handle((reply, error) -> {
            if (error != null) {
                throw AtomixErrors.translateOnSession(error, what, leaderId.get(), running.getAsBoolean());
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
        return session.close();
    }

    /** Opens a session of its own, outside the node's slot and without its bound: tests time Atomix's opening. */
    CompletableFuture<SessionClient> openSeparateSession() {
        return openSession();
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
