package io.github.raftspringboot.engine.atomix;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.session.SessionId;
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
import io.atomix.protocols.raft.protocol.ResetRequest;

/**
 * Atomix's Raft client protocol on the peer port (the embedded client of each node talks to the servers through
 * it): requests go out through {@link PeerMessenger}, handlers and session listeners go into
 * {@link PeerDispatcher}.
 */
final class GrpcClientProtocol implements RaftClientProtocol {

    private final PeerMessenger messenger;

    private final PeerDispatcher dispatcher;

    GrpcClientProtocol(PeerMessenger messenger, PeerDispatcher dispatcher) {
        this.messenger = messenger;
        this.dispatcher = dispatcher;
    }

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
    public void reset(Set<MemberId> members, ResetRequest request) {
        members.forEach(member -> messenger.sendOneWay(member, request));
    }

    @Override
    public void registerHeartbeatHandler(Function<HeartbeatRequest, CompletableFuture<HeartbeatResponse>> handler) {
        dispatcher.register(HeartbeatRequest.class, handler);
    }

    @Override
    public void unregisterHeartbeatHandler() {
        dispatcher.unregister(HeartbeatRequest.class);
    }

    @Override
    public void registerPublishListener(SessionId sessionId, Consumer<PublishRequest> listener, Executor executor) {
        dispatcher.registerPublishListener(sessionId, listener, executor);
    }

    @Override
    public void unregisterPublishListener(SessionId sessionId) {
        dispatcher.unregisterPublishListener(sessionId);
    }
}
