package io.github.raftspringboot.engine.atomix;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.protocol.TransferRequest;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftException.Reason;

/**
 * The target's side of a leadership transfer: the leader asked this node to take over, so it asks the leader to
 * commit up to its last entry and step down, then stands for election.
 * <p>
 * Why not Atomix's {@code anoint()}: it moves the node to candidate from whatever role it is in once the leader
 * answers, a non-voter or a stopping node included. When a whole cluster stopped at once (a test's close, on
 * 2026-12-02), the leader handed over to a node that had already gone inactive and was closing its log on another
 * thread; the node stood, won, read its log as leader, and the JVM died of a SIGSEGV in the freed mapping of a log
 * segment. Here the node stands only if it is running and a voter that follows, checked on the Raft thread when
 * asked and again, in the same task as the transition, when the leader answers.
 */
final class RequestedElection {

    private final RaftContext context;

    private final String nodeId;

    private final BooleanSupplier running;

    RequestedElection(RaftContext context, String nodeId, BooleanSupplier running) {
        this.context = context;
        this.nodeId = nodeId;
        this.running = running;
    }

    /** Completes once this node leads; fails if it may not stand, the leader refused, or another node was elected. */
    CompletableFuture<Void> stand() {
        CompletableFuture<Void> elected = new CompletableFuture<>();
        onRaftThread(elected, () -> begin(elected));
        return elected;
    }

    private void begin(CompletableFuture<Void> elected) {
        if (context.getRole() == RaftServer.Role.LEADER) {
            elected.complete(null);
            return;
        }
        if (refused(elected)) {
            return;
        }
        Consumer<RaftMember> outcome = new Consumer<>() {
            @Override
            public void accept(RaftMember leader) {
                context.removeLeaderElectionListener(this);
                if (leader.memberId().equals(context.getCluster().getMember().memberId())) {
                    elected.complete(null);
                }
                else {
                    elected.completeExceptionally(new RaftException(Reason.NOT_LEADER, "Node '" + nodeId
                            + "' stood for election, but '" + leader.memberId().id() + "' was elected",
                            leader.memberId().id(), null));
                }
            }
        };
        context.addLeaderElectionListener(outcome);
        elected.whenComplete((ignored, error) -> {
            if (error != null) {
                onRaftThread(new CompletableFuture<>(), () -> context.removeLeaderElectionListener(outcome));
            }
        });
        RaftMember leader = context.getLeader();
        if (leader == null) {
            context.transition(RaftServer.Role.CANDIDATE);
            return;
        }
        TransferRequest request = TransferRequest.builder()
            .withMember(context.getCluster().getMember().memberId())
            .build();
        context.getProtocol().transfer(leader.memberId(), request).whenComplete((response, error) -> {
            if (error != null) {
                elected.completeExceptionally(error);
            }
            else if (response.status() == RaftResponse.Status.ERROR) {
                elected.completeExceptionally(response.error().createException());
            }
            else {
                onRaftThread(elected, () -> {
                    if (!refused(elected)) {
                        context.transition(RaftServer.Role.CANDIDATE);
                    }
                });
            }
        });
    }

    /** On the Raft thread: fails {@code elected} and says why if this node may not stand now. */
    private boolean refused(CompletableFuture<Void> elected) {
        RaftServer.Role role = context.getRole();
        String why;
        Reason reason = Reason.INVALID_REQUEST;
        if (!running.getAsBoolean() || role == RaftServer.Role.INACTIVE) {
            why = "it is stopping";
            reason = Reason.SHUTDOWN;
        }
        else if (context.getCluster().getMember().getType() != RaftMember.Type.ACTIVE) {
            why = "it is not a voter";
        }
        else if (role != RaftServer.Role.FOLLOWER && role != RaftServer.Role.CANDIDATE) {
            why = "it is " + role.name().toLowerCase(Locale.ROOT) + ", not a follower";
        }
        else {
            return false;
        }
        elected.completeExceptionally(new RaftException(reason,
                "Node '" + nodeId + "' was asked to take over the leadership, but " + why));
        return true;
    }

    private void onRaftThread(CompletableFuture<Void> elected, Runnable task) {
        try {
            context.getThreadContext().execute(task);
        }
        catch (RejectedExecutionException ex) {
            // The Raft thread is closed: the node has stopped.
            elected.completeExceptionally(new RaftException(Reason.SHUTDOWN,
                    "Node '" + nodeId + "' was asked to take over the leadership, but it has stopped"));
        }
    }
}
