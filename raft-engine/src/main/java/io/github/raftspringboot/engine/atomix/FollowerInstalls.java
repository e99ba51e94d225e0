package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.atomix.protocols.raft.protocol.InstallResponse;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.roles.PassiveRole;
import io.atomix.protocols.raft.roles.RaftRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a follower takes the chunks of a leader's snapshot, before Atomix's install handler sees them (on the Raft
 * thread, in the same task):
 * <ul>
 * <li><b>Nothing to install.</b> A snapshot at or below what the follower has applied is answered at once: its state
 * holds that much already. Atomix installs a snapshot at exactly the applied index, and the follower may be taking
 * its own snapshot at that index just then: both wrote {@code raft-<index>.snapshot}, and the file no longer matched
 * the checksum recorded for it (a 1 M-key run: the follower refused to start after a restart).</li>
 * <li><b>A first chunk starts over.</b> Atomix's follower keeps the chunks of a snapshot it has partly received and,
 * when a leader sends chunks of a snapshot at the same index again, answers those it has by their number without
 * looking at them. Another leader's snapshot at that index need not hold the same bytes, and a leader's chunks need
 * not have the same size as before ({@link SnapshotPush}): the follower would put together a snapshot from two. A
 * leader starts every send with the first chunk, so the follower drops what it had received when that arrives.</li>
 * </ul>
 */
final class FollowerInstalls {

    private static final Logger logger = LoggerFactory.getLogger(FollowerInstalls.class);

    /** The snapshot being received ({@code PassiveRole.pendingSnapshot}), null when none. */
    private static final Field PENDING = pendingField();

    private final RaftContext context;

    private final OnRaftThread raftThread;

    private FollowerInstalls(RaftContext context) {
        this.context = context;
        this.raftThread = new OnRaftThread(context.getThreadContext());
    }

    /** Puts itself before the install handler Atomix registered on the transport. */
    static void install(GrpcRaftTransport transport, RaftContext context) {
        FollowerInstalls installs = new FollowerInstalls(context);
        transport.decorateHandler(InstallRequest.class, installs::decorate);
    }

    /**
     * Atomix's own handler ({@code handler}) is not called: it would run the role's {@code onInstall} in a task of
     * its own, and this node's own snapshot could start between the check and the install.
     */
    private Function<InstallRequest, CompletableFuture<InstallResponse>> decorate(
            Function<InstallRequest, CompletableFuture<InstallResponse>> handler) {
        return request -> {
            CompletableFuture<InstallResponse> answer = new CompletableFuture<>();
            raftThread.execute(() -> {
                try {
                    handle(request).whenComplete((response, error) -> {
                        if (error != null) {
                            answer.completeExceptionally(error);
                        }
                        else {
                            answer.complete(response);
                        }
                    });
                }
                catch (RuntimeException ex) {
                    answer.completeExceptionally(ex);
                }
            });
            return answer;
        };
    }

    /** On the Raft thread. */
    private CompletableFuture<InstallResponse> handle(InstallRequest request) {
        // Checked in the task that installs, so that no snapshot of this node's own can start at that index between
        // the check and the install (the state machine applies an index before it snapshots it).
        if (request.snapshotIndex() <= context.getLastApplied() && request.term() >= context.getTerm()) {
            return CompletableFuture.completedFuture(InstallResponse.builder()
                .withStatus(RaftResponse.Status.OK)
                .build());
        }
        if (request.chunkOffset() == 0) {
            dropPending();
        }
        return context.getRaftRole().onInstall(request);
    }

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
