package io.github.raftspringboot.engine.atomix;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.RaftError;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.CommandRequest;
import io.atomix.protocols.raft.protocol.CommandResponse;
import io.atomix.protocols.raft.protocol.KeepAliveRequest;
import io.atomix.protocols.raft.protocol.KeepAliveResponse;
import io.atomix.protocols.raft.protocol.OpenSessionRequest;
import io.atomix.protocols.raft.protocol.OpenSessionResponse;
import io.atomix.protocols.raft.protocol.QueryRequest;
import io.atomix.protocols.raft.protocol.QueryResponse;
import io.atomix.protocols.raft.protocol.RaftClientProtocol;
import io.atomix.protocols.raft.protocol.RaftResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's client protocol, with commands, queries, keep-alives and session openings carried over a leader change.
 * <p>
 * When Atomix's client finds the leader gone (its connection refused, or a follower answering NO_LEADER), it backs
 * off for 1, 1, 2, 3, 5 s before it tries again, so a write sent during an election waited up to a few seconds after
 * the new leader was already there. Here such a request instead waits for this node to learn of a leader it has not
 * seen fail, and is sent to it at once (with copies of each session's oldest command: {@link OldestCommandRepeater});
 * after {@code patience} without a leader, the original answer goes back to Atomix, which retries as before.
 * <p>
 * A leader that is cut off or frozen neither answers nor fails the requests it holds: they used to wait for the
 * transport deadline ({@code raft.request-timeout}), and since the new leader takes up a session's later commands
 * only after the earlier ones, every write of the node waited with them. So when this node learns of a new leader
 * (or of a new term), every request still in flight to another member is sent to it at once and the old copy is no
 * longer waited on ({@link #elected}); an OK answer from the old copy is still taken, since a leader answers OK only
 * for what a majority committed or confirmed.
 * <p>
 * Resending is safe: it is the same request (same session, same sequence number) that Atomix's own retry would
 * send, and the leader applies a session's command once whatever the number of copies (a copy already in the log
 * is answered from the session's results when it is applied again).
 */
final class LeaderAwaitingClientProtocol extends ForwardingClientProtocol {

    private static final Logger logger = LoggerFactory.getLogger(LeaderAwaitingClientProtocol.class);

    private final RaftContext context;

    private final Duration patience;

    private final Duration repeat;

    private final OldestCommandRepeater repeater;

    private final LeaderTargets leaders;

    /** Commands, queries and keep-alives not answered yet. */
    private final Set<InFlightRequest<?, ?>> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param patience how long a request waits for a new leader before Atomix gets the original answer
     * @param repeat    how often the oldest command of a session carried over to a new leader is sent again
     * @param repeatFor for how long after a carry-over (the request timeout: a new leader on a starved machine can
     *                  take seconds to commit its first entry, and a parked command is taken up only by a copy)
     */
    LeaderAwaitingClientProtocol(RaftClientProtocol delegate, RaftContext context, Duration patience,
            Duration repeat, Duration repeatFor) {
        super(delegate);
        this.context = context;
        this.patience = patience;
        this.repeat = repeat;
        this.leaders = new LeaderTargets(context);
        this.repeater = new OldestCommandRepeater(inFlight, repeat, repeatFor);
        context.addLeaderElectionListener(this::elected);
    }

    @Override
    public CompletableFuture<CommandResponse> command(MemberId memberId, CommandRequest request) {
        return dispatch(memberId, request, delegate()::command);
    }

    @Override
    public CompletableFuture<QueryResponse> query(MemberId memberId, QueryRequest request) {
        return dispatch(memberId, request, delegate()::query);
    }

    @Override
    public CompletableFuture<KeepAliveResponse> keepAlive(MemberId memberId, KeepAliveRequest request) {
        return dispatch(memberId, request, delegate()::keepAlive);
    }

    /** Sends the request to the leader and keeps it in flight, to be carried over, until it is answered. */
    private <T, R extends RaftResponse> CompletableFuture<R> dispatch(MemberId chosen, T request,
            BiFunction<MemberId, T, CompletableFuture<R>> send) {
        InFlightRequest<T, R> flight = new InFlightRequest<>(request, send);
        // Registered before its target is chosen, so that an election in between cannot miss it.
        inFlight.add(flight);
        flight.answer().whenComplete((response, error) -> inFlight.remove(flight));
        long term = context.getTerm();
        MemberId member = leaders.target(chosen);
        int generation = flight.carryOver(member, term);
        if (generation != 0) {
            launch(flight, generation, member);
        }
        return flight.answer();
    }

    /** Sends the request of {@code generation} to {@code member}. */
    private <T, R extends RaftResponse> void launch(InFlightRequest<T, R> flight, int generation, MemberId member) {
        flight.sendTo(member).whenComplete((response, error) -> answered(flight, generation, member, response, error));
    }

    /** Sends the request to {@code leader} unless it already waits on it; true if it was sent. */
    private <T, R extends RaftResponse> boolean carryOver(InFlightRequest<T, R> flight, MemberId leader, long term) {
        int generation = flight.carryOver(leader, term);
        if (generation != 0) {
            launch(flight, generation, leader);
            repeater.carriedOver();
        }
        return generation != 0;
    }

    /**
     * The answer of the first send of a generation. An error counts only while that generation is current: once
     * the request went on to another member, that member answers.
     */
    private <T, R extends RaftResponse> void answered(InFlightRequest<T, R> flight, int generation, MemberId member,
            R response, Throwable error) {
        if (flight.isAnswered()) {
            return;
        }
        if (error == null && response.status() == RaftResponse.Status.OK) {
            leaders.reached(member);
            flight.complete(response, null);
            return;
        }
        if (!flight.isCurrent(generation)) {
            return;
        }
        Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
                : error;
        if (cause instanceof ConnectException) {
            leaders.unreachable(member);
        }
        else if (error != null || !isNoLeader(response)) {
            if (error == null) {
                leaders.reached(member);
            }
            flight.complete(response, error);
            return;
        }
        // Unreachable, or no leader there: wait for one.
        long sentTerm = flight.targetTerm();
        if (!flight.orphan(generation)) {
            return;
        }
        MemberId leader = leaders.usableLeader(member, sentTerm);
        if (leader != null) {
            carryOver(flight, leader, context.getTerm());
            return;
        }
        if (member.equals(leaders.knownLeader())) {
            // Refused, or not reached, by the leader of this term: no election will carry it over (see below).
            askLeaderAgain(flight, generation, member, response, error);
            return;
        }
        // elected() carries it over when a leader is found; if none comes in time, Atomix gets the original answer.
        CompletableFuture.delayedExecutor(patience.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (!flight.isAnswered() && flight.isCurrent(generation)) {
                flight.complete(response, error);
            }
        });
    }

    /**
     * The member this node now knows as the leader refused the request, in the term it leads:
     * <ul>
     * <li>as not ready: Atomix's server answers every client request with ILLEGAL_MEMBER_STATE until it has applied
     * the entries up to the first commit index it learned after it started, and a leader elected right after its
     * start learns that index only when its own first entry commits, a heartbeat round later;</li>
     * <li>with NO_LEADER, given while it was still a candidate: this node learned of its victory before the answer
     * came back, so the election that the request would wait for has already been reported;</li>
     * <li>or it could not be reached: gRPC keeps reporting a connection that failed before the leader had started
     * (a fresh cluster's first session openings waited 2 s for it, twice in 2026-12-02's verifies); if the leader
     * is really gone, the election that follows carries the request over as before.</li>
     * </ul>
     * No election follows (the leader is there), so waiting for one cost the whole {@code patience} (four election
     * timeouts), and Atomix's retry then went to the same leader: the first session opening of a fresh cluster took 2
     * to 4.5 s while the next took milliseconds, and an opening right after a leadership transfer 2 s once in CI. The
     * request goes to that leader again each heartbeat instead, until it is answered, another leader is elected, or
     * {@code patience} has passed since it was sent.
     */
    private <T, R extends RaftResponse> void askLeaderAgain(InFlightRequest<T, R> flight, int generation,
            MemberId leader, R refusal, Throwable error) {
        CompletableFuture.delayedExecutor(repeat.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (flight.isAnswered() || !flight.isCurrent(generation)) {
                return;
            }
            if (System.nanoTime() - flight.sentNanos() >= patience.toNanos()) {
                flight.complete(refusal, error);
                return;
            }
            MemberId target = leaders.target(leader);
            int next = flight.carryOver(target, context.getTerm());
            if (next != 0) {
                logger.debug("{} {} the leader {} ({}): sent again", flight.request().getClass().getSimpleName(),
                    (error != null) ? "did not reach" : "refused by", leader,
                    (error != null) ? error.toString() : refusal.error().type());
                launch(flight, next, target);
            }
        });
    }

    private static boolean isNoLeader(RaftResponse response) {
        return response.status() == RaftResponse.Status.ERROR && response.error() != null
                && (response.error().type() == RaftError.Type.NO_LEADER
                        || response.error().type() == RaftError.Type.ILLEGAL_MEMBER_STATE);
    }

    /**
     * A member just won an election (or this node just learned of it): it is up, and every request in flight to
     * another member, or waiting for a leader, goes to it now. Off the Raft thread that reports the election: a
     * request to this node itself is handled on that thread.
     */
    private void elected(RaftMember leader) {
        MemberId id = leader.memberId();
        leaders.reached(id);
        long term = context.getTerm();
        if (inFlight.isEmpty()) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            int carried = 0;
            for (InFlightRequest<?, ?> flight : inFlight) {
                if (!flight.isAnswered() && carryOver(flight, id, term)) {
                    carried++;
                }
            }
            logger.debug("Leader {} in term {}: {} request(s) in flight to another member sent to it", id, term,
                    carried);
        }).whenComplete((done, error) -> {
            if (error != null) {
                logger.warn("Could not carry the requests in flight over to the new leader {}: {}", id,
                        error.toString());
            }
        });
    }

    /**
     * Carried over like the others (and never copied otherwise): each copy that reaches a leader opens a session,
     * and one that is never used expires after the session timeout.
     */
    @Override
    public CompletableFuture<OpenSessionResponse> openSession(MemberId memberId, OpenSessionRequest request) {
        return dispatch(memberId, request, delegate()::openSession);
    }
}
