package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

import io.atomix.primitive.session.SessionId;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.CloseSessionRequest;
import io.atomix.protocols.raft.protocol.CloseSessionResponse;
import io.atomix.protocols.raft.protocol.CommandRequest;
import io.atomix.protocols.raft.protocol.CommandResponse;
import io.atomix.protocols.raft.protocol.ConfigureRequest;
import io.atomix.protocols.raft.protocol.ConfigureResponse;
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
import io.atomix.protocols.raft.protocol.QueryRequest;
import io.atomix.protocols.raft.protocol.QueryResponse;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;
import io.atomix.protocols.raft.protocol.ReconfigureRequest;
import io.atomix.protocols.raft.protocol.ReconfigureResponse;
import io.atomix.protocols.raft.protocol.ResetRequest;
import io.atomix.protocols.raft.protocol.TransferRequest;
import io.atomix.protocols.raft.protocol.TransferResponse;
import io.atomix.protocols.raft.protocol.VoteRequest;
import io.atomix.protocols.raft.protocol.VoteResponse;

/**
 * The receiving half of Atomix's Raft server protocol on the peer port: each handler Atomix registers for requests
 * from other nodes goes into {@link PeerDispatcher}. The sending half is {@link GrpcServerProtocol}.
 */
abstract class RaftServerHandlers implements RaftServerProtocol {

    private final PeerDispatcher dispatcher;

    RaftServerHandlers(PeerDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void registerOpenSessionHandler(Function<OpenSessionRequest, CompletableFuture<OpenSessionResponse>> handler) {
        dispatcher.register(OpenSessionRequest.class, handler);
    }

    @Override
    public void unregisterOpenSessionHandler() {
        dispatcher.unregister(OpenSessionRequest.class);
    }

    @Override
    public void registerCloseSessionHandler(Function<CloseSessionRequest, CompletableFuture<CloseSessionResponse>> handler) {
        dispatcher.register(CloseSessionRequest.class, handler);
    }

    @Override
    public void unregisterCloseSessionHandler() {
        dispatcher.unregister(CloseSessionRequest.class);
    }

    @Override
    public void registerKeepAliveHandler(Function<KeepAliveRequest, CompletableFuture<KeepAliveResponse>> handler) {
        dispatcher.register(KeepAliveRequest.class, handler);
    }

    @Override
    public void unregisterKeepAliveHandler() {
        dispatcher.unregister(KeepAliveRequest.class);
    }

    @Override
    public void registerQueryHandler(Function<QueryRequest, CompletableFuture<QueryResponse>> handler) {
        dispatcher.register(QueryRequest.class, handler);
    }

    @Override
    public void unregisterQueryHandler() {
        dispatcher.unregister(QueryRequest.class);
    }

    @Override
    public void registerCommandHandler(Function<CommandRequest, CompletableFuture<CommandResponse>> handler) {
        dispatcher.register(CommandRequest.class, handler);
    }

    @Override
    public void unregisterCommandHandler() {
        dispatcher.unregister(CommandRequest.class);
    }

    @Override
    public void registerMetadataHandler(Function<MetadataRequest, CompletableFuture<MetadataResponse>> handler) {
        dispatcher.register(MetadataRequest.class, handler);
    }

    @Override
    public void unregisterMetadataHandler() {
        dispatcher.unregister(MetadataRequest.class);
    }

    @Override
    public void registerJoinHandler(Function<JoinRequest, CompletableFuture<JoinResponse>> handler) {
        dispatcher.register(JoinRequest.class, handler);
    }

    @Override
    public void unregisterJoinHandler() {
        dispatcher.unregister(JoinRequest.class);
    }

    @Override
    public void registerLeaveHandler(Function<LeaveRequest, CompletableFuture<LeaveResponse>> handler) {
        dispatcher.register(LeaveRequest.class, handler);
    }

    @Override
    public void unregisterLeaveHandler() {
        dispatcher.unregister(LeaveRequest.class);
    }

    @Override
    public void registerTransferHandler(Function<TransferRequest, CompletableFuture<TransferResponse>> handler) {
        dispatcher.register(TransferRequest.class, handler);
    }

    @Override
    public void unregisterTransferHandler() {
        dispatcher.unregister(TransferRequest.class);
    }

    @Override
    public void registerConfigureHandler(Function<ConfigureRequest, CompletableFuture<ConfigureResponse>> handler) {
        dispatcher.register(ConfigureRequest.class, handler);
    }

    @Override
    public void unregisterConfigureHandler() {
        dispatcher.unregister(ConfigureRequest.class);
    }

    @Override
    public void registerReconfigureHandler(Function<ReconfigureRequest, CompletableFuture<ReconfigureResponse>> handler) {
        dispatcher.register(ReconfigureRequest.class, handler);
    }

    @Override
    public void unregisterReconfigureHandler() {
        dispatcher.unregister(ReconfigureRequest.class);
    }

    @Override
    public void registerInstallHandler(Function<InstallRequest, CompletableFuture<InstallResponse>> handler) {
        dispatcher.register(InstallRequest.class, handler);
    }

    @Override
    public void unregisterInstallHandler() {
        dispatcher.unregister(InstallRequest.class);
    }

    @Override
    public void registerPollHandler(Function<PollRequest, CompletableFuture<PollResponse>> handler) {
        dispatcher.register(PollRequest.class, handler);
    }

    @Override
    public void unregisterPollHandler() {
        dispatcher.unregister(PollRequest.class);
    }

    @Override
    public void registerVoteHandler(Function<VoteRequest, CompletableFuture<VoteResponse>> handler) {
        dispatcher.register(VoteRequest.class, handler);
    }

    @Override
    public void unregisterVoteHandler() {
        dispatcher.unregister(VoteRequest.class);
    }

    @Override
    public void registerAppendHandler(Function<AppendRequest, CompletableFuture<AppendResponse>> handler) {
        dispatcher.register(AppendRequest.class, handler);
    }

    @Override
    public void unregisterAppendHandler() {
        dispatcher.unregister(AppendRequest.class);
    }

    @Override
    public void registerResetListener(SessionId sessionId, Consumer<ResetRequest> listener, Executor executor) {
        dispatcher.registerResetListener(sessionId, listener, executor);
    }

    @Override
    public void unregisterResetListener(SessionId sessionId) {
        dispatcher.unregisterResetListener(sessionId);
    }
}
