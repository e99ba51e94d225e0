package io.github.raftspringboot.engine.atomix;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.session.SessionId;
import io.atomix.protocols.raft.RaftError;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.CloseSessionRequest;
import io.atomix.protocols.raft.protocol.CloseSessionResponse;
import io.atomix.protocols.raft.protocol.CommandRequest;
import io.atomix.protocols.raft.protocol.CommandResponse;
import io.atomix.protocols.raft.protocol.HeartbeatRequest;
import io.atomix.protocols.raft.protocol.HeartbeatResponse;
import io.atomix.protocols.raft.protocol.KeepAliveRequest;
import io.atomix.protocols.raft.protocol.KeepAliveResponse;
import io.atomix.protocols.raft.protocol.MetadataRequest;
import io.atomix.protocols.raft.protocol.MetadataResponse;
import io.atomix.protocols.raft.protocol.OpenSessionRequest;
import io.atomix.protocols.raft.protocol.OpenSessionResponse;
import io.atomix.protocols.raft.protocol.PublishRequest;
import io.atomix.protocols.raft.protocol.QueryRequest;
import io.atomix.protocols.raft.protocol.QueryResponse;
import io.atomix.protocols.raft.protocol.RaftClientProtocol;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.protocol.ResetRequest;

/**
 * The node's client protocol, with commands and queries carried over a leader change. When Atomix's client finds
 * the leader gone (its connection refused, or a follower answering NO_LEADER), it backs off for 1, 1, 2, 3, 5 s
 * before it tries again, so a write sent during an election waited up to a few seconds after the new leader was
 * already there. Here such a request instead waits for this node to learn of a leader it has not seen fail, and is
 * sent to it at once, then again every heartbeat until answered ({@link #repeating}); after {@code patience}
 * without a leader, the original answer goes back to Atomix, which retries as before.
 * <p>
 * Resending is safe: it is the same request (same session, same sequence number) that Atomix's own retry would
 * send, and the leader applies a session's command once whatever the number of copies.
 */
final class LeaderAwaitingClientProtocol implements RaftClientProtocol {

    private final RaftClientProtocol delegate;

    private final RaftContext context;

    private final Duration patience;

    private final Duration repeat;

    /** Members whose connection failed since they were last elected or answered. */
    private final Set<MemberId> unreachable = ConcurrentHashMap.newKeySet();

    private final List<Runnable> waiting = new ArrayList<>();

    /**
     * @param patience how long a request waits for a new leader before Atomix gets the original answer
     * @param repeat   how often a request carried over to a new leader is sent again until it is answered
     */
    LeaderAwaitingClientProtocol(RaftClientProtocol delegate, RaftContext context, Duration patience,
            Duration repeat) {
        this.delegate = delegate;
        this.context = context;
        this.patience = patience;
        this.repeat = repeat;
        context.addLeaderElectionListener(this::elected);
    }

    @Override
    public CompletableFuture<CommandResponse> command(MemberId memberId, CommandRequest request) {
        return carriedOver(target(memberId), request, delegate::command, delegate::command, deadline());
    }

    @Override
    public CompletableFuture<QueryResponse> query(MemberId memberId, QueryRequest request) {
        return carriedOver(target(memberId), request, delegate::query, delegate::query, deadline());
    }

    /**
     * The leader this node knows of, rather than the member Atomix's client picked: the client keeps using one
     * member until it fails, and a follower that is paused (GC, SIGSTOP) neither answers nor fails, so every call
     * would wait for the request timeout. Going to the leader also saves the follower's forwarding hop.
     */
    private MemberId target(MemberId chosen) {
        RaftMember leader = context.getLeader();
        MemberId id = (leader != null) ? leader.memberId() : null;
        return (id != null && !unreachable.contains(id)) ? id : chosen;
    }

    private long deadline() {
        return System.nanoTime() + patience.toNanos();
    }

    /**
     * Sends the request to {@code member} with {@code first}, then to each new leader in turn (with repeats) until
     * one answers or the deadline passes.
     */
    private <T, R extends RaftResponse> CompletableFuture<R> carriedOver(MemberId member, T request,
            BiFunction<MemberId, T, CompletableFuture<R>> first, BiFunction<MemberId, T, CompletableFuture<R>> send,
            long deadline) {
        return first.apply(member, request).handle((response, error) -> {
            Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
                    : error;
            if (cause instanceof ConnectException) {
                unreachable.add(member);
            }
            else if (error == null && !isNoLeader(response)) {
                unreachable.remove(member);
                return CompletableFuture.completedFuture(response);
            }
            else if (error != null) {
                return CompletableFuture.<R>failedFuture(error);
            }
            CompletableFuture<R> original = (error == null) ? CompletableFuture.completedFuture(response)
                    : CompletableFuture.failedFuture(error);
            return awaitLeader(member, deadline).thenCompose(leader -> (leader == null) ? original
                    : carriedOver(leader, request, repeating(send), send, deadline));
        }).thenCompose(Function.identity());
    }

    /**
     * Sends to a new leader, and sends the same request again every {@code repeat} until one answer comes. A new
     * leader parks a command whose predecessor in the session it has not applied yet (it learns that the
     * predecessor committed only when its own first entry commits) and takes it up only when another request of the
     * session arrives: without a copy, the write waited for the session's next keep-alive, seconds later. The copy
     * is the same request (same session, same sequence number), which the leader answers from the one pending or
     * applied command, as it does for Atomix's own resubmissions.
     */
    private <T, R extends RaftResponse> BiFunction<MemberId, T, CompletableFuture<R>> repeating(
            BiFunction<MemberId, T, CompletableFuture<R>> send) {
        return (leader, request) -> {
            CompletableFuture<R> first = send.apply(leader, request);
            CompletableFuture<R> answered = new CompletableFuture<>();
            first.whenComplete((response, error) -> complete(answered, response, error));
            repeat(answered, () -> send.apply(leader, request).whenComplete((response, error) -> {
                if (error == null && response.status() == RaftResponse.Status.OK) {
                    answered.complete(response);
                }
            }), deadline());
            return answered;
        };
    }

    private void repeat(CompletableFuture<?> answered, Runnable resend, long deadline) {
        CompletableFuture.delayedExecutor(repeat.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (!answered.isDone() && System.nanoTime() < deadline) {
                resend.run();
                repeat(answered, resend, deadline);
            }
        });
    }

    private static <R> void complete(CompletableFuture<R> future, R response, Throwable error) {
        if (error != null) {
            future.completeExceptionally(error);
        }
        else {
            future.complete(response);
        }
    }

    private static boolean isNoLeader(RaftResponse response) {
        return response.status() == RaftResponse.Status.ERROR && response.error() != null
                && (response.error().type() == RaftError.Type.NO_LEADER
                        || response.error().type() == RaftError.Type.ILLEGAL_MEMBER_STATE);
    }

    /**
     * A leader not seen unreachable, and not {@code failed} unless elected since (a later term); null if none
     * before the deadline.
     */
    private CompletableFuture<MemberId> awaitLeader(MemberId failed, long deadline) {
        long term = context.getTerm();
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<MemberId> found = new CompletableFuture<>();
        Runnable check = () -> {
            MemberId leader = usableLeader(failed, term);
            if (leader != null) {
                found.complete(leader);
            }
        };
        synchronized (waiting) {
            waiting.add(check);
        }
        check.run();
        found.completeOnTimeout(null, remaining, TimeUnit.NANOSECONDS)
            .whenComplete((leader, error) -> {
                synchronized (waiting) {
                    waiting.remove(check);
                }
            });
        return found;
    }

    private MemberId usableLeader(MemberId failed, long termAtFailure) {
        RaftMember leader = context.getLeader();
        MemberId id = (leader != null) ? leader.memberId() : null;
        boolean usable = id != null && !unreachable.contains(id)
                && (!id.equals(failed) || context.getTerm() > termAtFailure);
        return usable ? id : null;
    }

    /** A member just won an election: it is up, and requests waiting for a leader can go to it. */
    private void elected(RaftMember leader) {
        unreachable.remove(leader.memberId());
        List<Runnable> checks;
        synchronized (waiting) {
            checks = new ArrayList<>(waiting);
        }
        checks.forEach(Runnable::run);
    }

    @Override
    public CompletableFuture<OpenSessionResponse> openSession(MemberId memberId, OpenSessionRequest request) {
        return delegate.openSession(memberId, request);
    }

    @Override
    public CompletableFuture<CloseSessionResponse> closeSession(MemberId memberId, CloseSessionRequest request) {
        return delegate.closeSession(memberId, request);
    }

    @Override
    public CompletableFuture<KeepAliveResponse> keepAlive(MemberId memberId, KeepAliveRequest request) {
        return delegate.keepAlive(memberId, request);
    }

    @Override
    public CompletableFuture<MetadataResponse> metadata(MemberId memberId, MetadataRequest request) {
        return delegate.metadata(memberId, request);
    }

    @Override
    public void reset(Set<MemberId> members, ResetRequest request) {
        delegate.reset(members, request);
    }

    @Override
    public void registerHeartbeatHandler(Function<HeartbeatRequest, CompletableFuture<HeartbeatResponse>> handler) {
        delegate.registerHeartbeatHandler(handler);
    }

    @Override
    public void unregisterHeartbeatHandler() {
        delegate.unregisterHeartbeatHandler();
    }

    @Override
    public void registerPublishListener(SessionId sessionId, Consumer<PublishRequest> listener, Executor executor) {
        delegate.registerPublishListener(sessionId, listener, executor);
    }

    @Override
    public void unregisterPublishListener(SessionId sessionId) {
        delegate.unregisterPublishListener(sessionId);
    }
}
