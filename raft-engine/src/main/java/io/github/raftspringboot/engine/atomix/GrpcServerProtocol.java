package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.CloseSessionRequest;
import io.atomix.protocols.raft.protocol.CloseSessionResponse;
import io.atomix.protocols.raft.protocol.CommandRequest;
import io.atomix.protocols.raft.protocol.CommandResponse;
import io.atomix.protocols.raft.protocol.ConfigureRequest;
import io.atomix.protocols.raft.protocol.ConfigureResponse;
import io.atomix.protocols.raft.protocol.HeartbeatRequest;
import io.atomix.protocols.raft.protocol.HeartbeatResponse;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.atomix.protocols.raft.protocol.InstallResponse;
import io.atomix.protocols.raft.protocol.JoinRequest;
import io.atomix.protocols.raft.protocol.JoinResponse;
import io.atomix.protocols.raft.protocol.KeepAliveRequest;
import io.atomix.protocols.raft.protocol.KeepAliveResponse;
import io.atomix.protocols.raft.protocol.LeaveRequest;
import io.atomix.protocols.raft.protocol.LeaveResponse;
import io.atomix.protocols.raft.protocol.MetadataRequest;
import io.atomix.protocols.raft.protocol.MetadataResponse;
import io.atomix.protocols.raft.protocol.OpenSessionRequest;
import io.atomix.protocols.raft.protocol.OpenSessionResponse;
import io.atomix.protocols.raft.protocol.PollRequest;
import io.atomix.protocols.raft.protocol.PollResponse;
import io.atomix.protocols.raft.protocol.PublishRequest;
import io.atomix.protocols.raft.protocol.QueryRequest;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.protocol.QueryResponse;
import io.atomix.protocols.raft.protocol.ReconfigureRequest;
import io.atomix.protocols.raft.protocol.ReconfigureResponse;
import io.atomix.protocols.raft.protocol.TransferRequest;
import io.atomix.protocols.raft.protocol.TransferResponse;
import io.atomix.protocols.raft.protocol.VoteRequest;
import io.atomix.protocols.raft.protocol.VoteResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atomix's Raft server protocol on the peer port: each request goes out through {@link PeerMessenger}; the handlers
 * Atomix registers go into {@link PeerDispatcher} ({@link RaftServerHandlers}). Two things are added to what Atomix sends: the leader's
 * appends and snapshot chunks are tracked so that {@link LeaderBeats} can beat while they are unanswered, and this
 * node's pre-vote (poll) is not sent while the leader's messages are still arriving ({@link LeaderContact}).
 */
final class GrpcServerProtocol extends RaftServerHandlers {

    private static final Logger logger = LoggerFactory.getLogger(GrpcServerProtocol.class);

    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final PeerMessenger messenger;

    private final LeaderBeats beats;

    private final LeaderContact contact;

    private final Duration electionTimeout;

    private volatile long lastLoggedNanos = System.nanoTime() - LOG_EVERY_NANOS;

    /** Pre-votes not sent because the leader's messages were arriving (one per member polled). */
    private final AtomicLong heldBackPolls = new AtomicLong();

    GrpcServerProtocol(PeerMessenger messenger, PeerDispatcher dispatcher, LeaderBeats beats, LeaderContact contact,
            Duration electionTimeout) {
        super(dispatcher);
        this.messenger = messenger;
        this.beats = beats;
        this.contact = contact;
        this.electionTimeout = electionTimeout;
    }

    /** How many pre-votes (one per member polled) were held back because the leader's messages were arriving. */
    long heldBackPolls() {
        return heldBackPolls.get();
    }

    // ---- requests from this node to another ----

    @Override
    public CompletableFuture<OpenSessionResponse> openSession(MemberId memberId, OpenSessionRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<CloseSessionResponse> closeSession(MemberId memberId, CloseSessionRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<KeepAliveResponse> keepAlive(MemberId memberId, KeepAliveRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<QueryResponse> query(MemberId memberId, QueryRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<CommandResponse> command(MemberId memberId, CommandRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<MetadataResponse> metadata(MemberId memberId, MetadataRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<JoinResponse> join(MemberId memberId, JoinRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<LeaveResponse> leave(MemberId memberId, LeaveRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<ConfigureResponse> configure(MemberId memberId, ConfigureRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<ReconfigureResponse> reconfigure(MemberId memberId, ReconfigureRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<InstallResponse> install(MemberId memberId, InstallRequest request) {
        return beats.track(memberId.id(), request.term(), messenger.send(memberId, request));
    }

    @Override
    public CompletableFuture<TransferResponse> transfer(MemberId memberId, TransferRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<PollResponse> poll(MemberId memberId, PollRequest request) {
        if (contact.heardWithin(request.term(), electionTimeout)) {
            // The election timer ran out on the Raft thread while the leader's messages are arriving (they wait
            // behind a large append being written): the leader is alive, so ask no one to depose it.
            heldBackPolls.incrementAndGet();
            long now = System.nanoTime();
            if (now - lastLoggedNanos >= LOG_EVERY_NANOS) {
                lastLoggedNanos = now;
                logger.info("Election timer ran out in term {}, but the leader's last message arrived {} ms ago "
                        + "(the Raft thread is behind): no pre-vote sent", request.term(), contact.millisSinceHeard());
            }
            return CompletableFuture.completedFuture(PollResponse.builder()
                .withStatus(RaftResponse.Status.OK)
                .withTerm(request.term())
                .withAccepted(false)
                .build());
        }
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<VoteResponse> vote(MemberId memberId, VoteRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public CompletableFuture<AppendResponse> append(MemberId memberId, AppendRequest request) {
        return beats.track(memberId.id(), request.term(), messenger.send(memberId, request));
    }

    @Override
    public CompletableFuture<HeartbeatResponse> heartbeat(MemberId memberId, HeartbeatRequest request) {
        return messenger.send(memberId, request);
    }

    @Override
    public void publish(MemberId memberId, PublishRequest request) {
        messenger.sendOneWay(memberId, request);
    }
}
