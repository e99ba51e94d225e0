package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.atomix.protocols.raft.protocol.InstallResponse;
import io.atomix.protocols.raft.roles.PassiveRole;
import io.atomix.protocols.raft.roles.RaftRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a follower, the first chunk of a snapshot starts its install over. Atomix's follower keeps the chunks of a
 * snapshot it has partly received and, when a leader sends chunks of a snapshot at the same index again, answers
 * those it has by their number without looking at them. Another leader's snapshot at that index need not hold the
 * same bytes, and a leader's chunks need not have the same size as before ({@link SnapshotPush}): the follower would
 * then put together a snapshot from two. A leader starts every send with the first chunk, so the follower drops what
 * it had received when that arrives.
 */
final class FirstChunkRestart {

    private static final Logger logger = LoggerFactory.getLogger(FirstChunkRestart.class);

    /** The snapshot being received ({@code PassiveRole.pendingSnapshot}), null when none. */
    private static final Field PENDING = pendingField();

    private final RaftContext context;

    private final OnRaftThread raftThread;

    private FirstChunkRestart(RaftContext context) {
        this.context = context;
        this.raftThread = new OnRaftThread(context.getThreadContext());
    }

    /** Wraps the install handler Atomix registered on the transport. */
    static void install(GrpcRaftTransport transport, RaftContext context) {
        FirstChunkRestart restart = new FirstChunkRestart(context);
        transport.decorateHandler(InstallRequest.class, restart::decorate);
    }

    private Function<InstallRequest, CompletableFuture<InstallResponse>> decorate(
            Function<InstallRequest, CompletableFuture<InstallResponse>> handler) {
        return request -> {
            if (request.chunkOffset() == 0) {
                // Queued before the handler's own task, so it runs first.
                raftThread.execute(this::dropPending);
            }
            return handler.apply(request);
        };
    }

    /** On the Raft thread. */
    private void dropPending() {
        RaftRole role = context.getRaftRole();
        if (!(role instanceof PassiveRole)) {
            return;
        }
        try {
            Object pending = PENDING.get(role);
            if (pending == null) {
                return;
            }
            Method rollback = pending.getClass().getDeclaredMethod("rollback");
            rollback.setAccessible(true);
            rollback.invoke(pending);
            PENDING.set(role, null);
            logger.info("A leader started sending its snapshot again: the part received before is dropped");
        }
        catch (InvocationTargetException ex) {
            logger.error("Could not drop a partly received snapshot; the new chunks are added to it", ex.getCause());
        }
        catch (ReflectiveOperationException ex) {
            logger.error("Could not drop a partly received snapshot; the new chunks are added to it", ex);
        }
    }

    private static Field pendingField() {
        try {
            Field field = PassiveRole.class.getDeclaredField("pendingSnapshot");
            field.setAccessible(true);
            return field;
        }
        catch (NoSuchFieldException ex) {
            throw new IllegalStateException("Atomix's PassiveRole has no pendingSnapshot field: " + ex, ex);
        }
    }
}
