package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.RaftError;
import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.ConfigureRequest;
import io.atomix.protocols.raft.protocol.ConfigureResponse;
import io.atomix.protocols.raft.protocol.PollRequest;
import io.atomix.protocols.raft.protocol.PollResponse;
import io.atomix.protocols.raft.protocol.RaftResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * What this node adds to Atomix's handling of peer requests: the fsync of a follower's accepted entries before it
 * acknowledges them (and the time of the last leader contact), the refusal of appends whose previous entry it cannot
 * check, the activation of a node added as a non-voter, leader stickiness in the pre-vote (poll), and the order in
 * which voters started together stand for their first election ({@link FirstElectionOrder}).
 */
final class PeerRequestHooks {

    private static final Logger logger = LoggerFactory.getLogger(PeerRequestHooks.class);

    private final RaftContext context;

    /** Where the handlers' continuations run. */
    private final OnRaftThread raftThread;

    private final RaftNodeSettings settings;

    private final EngineMeasurements measurements;

    private final BooleanSupplier running;

    /** Refuses appends whose previous entry this node cannot check (Atomix commits them unchecked). */
    final UncheckedAppendGuard uncheckedAppends;

    /** The order of the first election of voters started together, kept in the polls this node answers. */
    final FirstElectionOrder firstElection;

    private volatile long lastContactMillis;

    /** Set once the node runs: while the disk is short of space, appends with entries are refused. */
    private volatile DiskSpaceGuard diskSpace;

    /** {@link System#nanoTime()} of the last accepted append; only meaningful when lastContactMillis is not 0. */
    private volatile long lastContactNanos;

    PeerRequestHooks(RaftContext context, RaftNodeSettings settings, EngineMeasurements measurements,
            BooleanSupplier running) {
        this.context = context;
        this.raftThread = new OnRaftThread(context.getThreadContext());
        this.settings = settings;
        this.measurements = measurements;
        this.running = running;
        this.uncheckedAppends = new UncheckedAppendGuard(context, raftThread);
        this.firstElection = new FirstElectionOrder(settings.electionTimeout());
    }

    /** Leader messages as they arrive on the transport, before the Raft thread has handled them. */
    private volatile LeaderContact arrivals;

    /** Wraps the handlers Atomix registered on the transport. */
    void install(GrpcRaftTransport transport) {
        this.arrivals = transport.leaderContact();
        transport.decorateHandler(AppendRequest.class, this::durableAppend);
        // Outermost: a refused append is never written or synced.
        transport.decorateHandler(AppendRequest.class, uncheckedAppends::guard);
        transport.decorateHandler(ConfigureRequest.class, this::activateAddedNonVoter);
        transport.decorateHandler(PollRequest.class, this::stickyLeader);
    }

    void guardDiskSpace(DiskSpaceGuard guard) {
        this.diskSpace = guard;
    }

    /** When this node last accepted an append from a leader, in epoch milliseconds (0: never). */
    long lastContactMillis() {
        return lastContactMillis;
    }

    /** Makes a follower's accepted entries durable before it acknowledges them, and notes leader contact. */
    private Function<AppendRequest, CompletableFuture<AppendResponse>> durableAppend(
            Function<AppendRequest, CompletableFuture<AppendResponse>> handler) {
        return request -> {
            long received = System.nanoTime();
            DiskSpaceGuard guard = diskSpace;
            if (guard != null && !request.entries().isEmpty() && guard.isLow()) {
                return CompletableFuture.completedFuture(guard.refusal());
            }
            // On the Raft thread: an fsync on the gRPC event loop would hold up the leader's beats behind it.
            return handler.apply(request).thenApplyAsync(response -> {
                if (response.status() == RaftResponse.Status.OK) {
                    lastContactNanos = System.nanoTime();
                    lastContactMillis = System.currentTimeMillis();
                    if (response.succeeded() && !request.entries().isEmpty()) {
                        if (!settings.inMemory()) {
                            context.getLogWriter().flush();
                        }
                        measurements.appended(System.nanoTime() - received);
                    }
                }
                return response;
            }, raftThread);
        };
    }

    /**
     * Leader stickiness (the pre-vote check of the Raft thesis, section 9.6): Atomix grants the poll of any member
     * whose log is up to date, so one member that merely missed heartbeats (a pause under load, a restart) could
     * start an election and depose a healthy leader. A follower that heard from the leader within half an election
     * timeout turns such a poll down. It only ever refuses, so safety does not rest on it or on clocks; once the
     * leader is really gone, no follower hears from it and polls are granted again after that half timeout, before
     * any follower's own election timer (at least one election timeout) runs out. Leader contact counts from the
     * arrival of the leader's messages too ({@link LeaderContact}), not only once the Raft thread has written them;
     * such a message of the current term is enough, whether or not Atomix still names a leader.
     */
    private Function<PollRequest, CompletableFuture<PollResponse>> stickyLeader(
            Function<PollRequest, CompletableFuture<PollResponse>> handler) {
        long window = settings.electionTimeout().toNanos() / 2;
        return request -> {
            if (context.getRole() == RaftServer.Role.LEADER) {
                // Atomix's leader refuses every poll itself: nothing to check, and no "passed" line to log.
                return handler.apply(request);
            }
            // A leader of this term was heard: refuse, even if Atomix forgot the leader. When a follower's own election
            // timer runs out, Atomix sets its leader to null until the Raft thread handles the next append; under
            // load (a slow sync, a starved process) that is often while the leader's messages are arriving, and
            // this check then let the other follower's poll through (issue 17: elections during a 1 M-key load).
            boolean leaderOfThisTermHeard = arrivals != null
                    && arrivals.heardWithin(context.getTerm(), Duration.ofNanos(window));
            boolean appendedRecently = lastContactMillis != 0 && System.nanoTime() - lastContactNanos < window
                    && context.getLeader() != null;
            String candidate = request.candidate().id();
            MemberId vote = context.getLastVotedFor();
            if (leaderOfThisTermHeard || appendedRecently) {
                return refusedPoll();
            }
            if (firstElection.refuses(candidate, context.getTerm(), (vote == null) ? null : vote.id(),
                    context.getLeader() != null, System.nanoTime())) {
                logger.debug("Pre-vote of {} for term {} refused: a voter before it in turn stands first at start",
                        candidate, request.term());
                return refusedPoll();
            }
            // Rare while a leader is healthy, and each one is a step towards an election: say why it was let through.
            logger.info("Pre-vote of {} for term {} passed to Atomix (term {}, leader {}): the leader's last message "
                    + "arrived {} ms ago, its last append was written {} ms ago", request.candidate(), request.term(),
                    context.getTerm(), context.getLeader() == null ? "unknown" : context.getLeader().memberId(),
                    arrivals == null ? -1 : arrivals.millisSinceHeard(),
                    lastContactMillis == 0 ? -1 : (System.nanoTime() - lastContactNanos) / 1_000_000);
            return handler.apply(request).thenApply(response -> {
                if (response.status() == RaftResponse.Status.OK && response.accepted()) {
                    firstElection.granted(candidate, System.nanoTime());
                }
                return response;
            });
        };
    }

    private CompletableFuture<PollResponse> refusedPoll() {
        return CompletableFuture.completedFuture(PollResponse.builder()
            .withStatus(RaftResponse.Status.OK)
            .withTerm(context.getTerm())
            .withAccepted(false)
            .build());
    }

    /**
     * Atomix moves an inactive node into the cluster when a configuration makes it a voter, but leaves a node that
     * the leader added as a non-voter inactive until it commits; start it as a passive member right away. A node
     * that is not started yet (its application still starting) takes no configuration.
     */
    private Function<ConfigureRequest, CompletableFuture<ConfigureResponse>> activateAddedNonVoter(
            Function<ConfigureRequest, CompletableFuture<ConfigureResponse>> handler) {
        return request -> {
            if (!running.getAsBoolean()) {
                // Opened but not started: the application is still starting, and may yet fail.
                return CompletableFuture.completedFuture(ConfigureResponse.builder()
                    .withStatus(RaftResponse.Status.ERROR)
                    .withError(RaftError.Type.UNAVAILABLE)
                    .build());
            }
            return handler.apply(request).thenApplyAsync(response -> {
                RaftMember local = context.getCluster().getMember();
                if (context.getRole() == RaftServer.Role.INACTIVE && local.getType() == RaftMember.Type.PASSIVE
                        && context.getCluster().getConfiguration() != null
                        && context.getCluster().getConfiguration().members().contains(local)) {
                    context.transition(RaftServer.Role.PASSIVE);
                }
                return response;
            }, raftThread);
        };
    }
}
