package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.atomix.cluster.MemberId;
import io.github.raftspringboot.engine.PeerTls;
import io.atomix.primitive.session.SessionId;
import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.protocols.raft.protocol.*;
import io.atomix.utils.serializer.Namespace;
import io.atomix.utils.serializer.Serializer;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries Atomix's Raft server and client protocols between nodes over one unary gRPC method. Each message is
 * serialised with Atomix's protocol serializer and dispatched on arrival by its type, so one listener on
 * {@code raft.port} serves the Raft peers and the embedded clients of every node. A second kind of message,
 * engine control, carries requests Atomix has no message for (e.g. "start an election now").
 */
final class GrpcRaftTransport implements RaftServerProtocol, RaftClientProtocol, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(GrpcRaftTransport.class);

    static final String SERVICE_NAME = "raftspringboot.peer.v1.RaftPeer";

    private static final MethodDescriptor<byte[], byte[]> EXCHANGE = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Exchange"))
        .setRequestMarshaller(ByteArrayMarshaller.INSTANCE)
        .setResponseMarshaller(ByteArrayMarshaller.INSTANCE)
        .build();

    private static final byte RAFT_MESSAGE = 0;

    private static final byte CONTROL_MESSAGE = 1;

    private static final byte[] EMPTY = { RAFT_MESSAGE };

    /** Atomix's protocol namespace lacks the leadership-transfer messages; they are registered after it. */
    private final Serializer serializer = Serializer.using(Namespace.builder()
        .register(RaftNamespaces.RAFT_PROTOCOL)
        .register(TransferRequest.class, TransferResponse.class)
        .build());

    private final PeerDirectory directory;

    private final InetSocketAddress bindAddress;

    private final Duration requestTimeout;

    private final int maxMessageSize;

    private final Map<Class<?>, Function<Object, CompletableFuture<?>>> handlers = new ConcurrentHashMap<>();

    private final Map<SessionId, Dispatch<ResetRequest>> resetListeners = new ConcurrentHashMap<>();

    private final Map<SessionId, Dispatch<PublishRequest>> publishListeners = new ConcurrentHashMap<>();

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    private volatile Function<byte[], CompletableFuture<byte[]>> controlHandler;

    private final PeerTransportSecurity security;

    private volatile Server server;

    /** @param tls mutual TLS for the peer port, or {@code null} for plaintext */
    GrpcRaftTransport(PeerDirectory directory, InetSocketAddress bindAddress, Duration requestTimeout,
            int maxMessageSize, PeerTls tls) {
        this.security = new PeerTransportSecurity(tls);
        this.directory = directory;
        this.bindAddress = bindAddress;
        this.requestTimeout = requestTimeout;
        this.maxMessageSize = maxMessageSize;
    }

    /** Binds the peer listener. */
    void start() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE_NAME)
            .addMethod(EXCHANGE, ServerCalls.asyncUnaryCall(this::receive))
            .build();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(bindAddress)
            .directExecutor()
            .maxInboundMessageSize(maxMessageSize)
            .addService(service);
        security.configure(builder);
        server = builder.build().start();
    }

    /** The port actually bound (useful when configured as 0). */
    int boundPort() {
        return server.getPort();
    }

    void setControlHandler(Function<byte[], CompletableFuture<byte[]>> controlHandler) {
        this.controlHandler = controlHandler;
    }

    /** Sends an engine control message to {@code memberId} and returns its reply. */
    CompletableFuture<byte[]> control(String memberId, byte[] message) {
        return call(memberId, frame(CONTROL_MESSAGE, message)).thenApply(GrpcRaftTransport::unframe);
    }

    /**
     * Sends an engine control message straight to {@code address} (a server that is not, or not yet, a member at
     * that address) over a channel of its own, closed after the answer, and returns the reply.
     */
    CompletableFuture<byte[]> controlAt(String address, byte[] message, Duration timeout) {
        ManagedChannel channel;
        try {
            channel = openChannel(address);
        }
        catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Context previous = Context.ROOT.attach();
        try {
            Futures.addCallback(ClientCalls.futureUnaryCall(channel.newCall(EXCHANGE,
                    CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)),
                    frame(CONTROL_MESSAGE, message)), new FutureCallback<>() {
                        @Override
                        public void onSuccess(byte[] reply) {
                            result.complete(unframe(reply));
                        }

                        @Override
                        public void onFailure(Throwable error) {
                            Status status = Status.fromThrowable(error);
                            result.completeExceptionally(new ConnectException(status.getCode() + ": "
                                    + ((status.getDescription() != null) ? status.getDescription()
                                            : String.valueOf(status.getCause()))));
                        }
                    }, MoreExecutors.directExecutor());
        }
        catch (RuntimeException ex) {
            result.completeExceptionally(ex);
        }
        finally {
            Context.ROOT.detach(previous);
        }
        return result.whenComplete((reply, error) -> channel.shutdownNow());
    }

    /** Delivers a message to this node's own handler, as if it came from a peer. */
    @SuppressWarnings("unchecked")
    <T, R> CompletableFuture<R> local(T request) {
        return (CompletableFuture<R>) dispatch(request);
    }

    private void receive(byte[] frame, StreamObserver<byte[]> responses) {
        CompletableFuture<byte[]> reply;
        try {
            reply = (frame.length > 0 && frame[0] == CONTROL_MESSAGE) ? receiveControl(unframe(frame))
                    : receiveRaft(serializer.decode(unframe(frame)));
        }
        catch (RuntimeException ex) {
            logger.warn("Could not handle a Raft peer message: {}", ex.toString());
            reply = CompletableFuture.failedFuture(ex);
        }
        reply.whenComplete((response, error) -> {
            if (error == null) {
                responses.onNext(response);
                responses.onCompleted();
            }
            else {
                responses.onError(Status.UNAVAILABLE.withDescription(String.valueOf(error.getMessage()))
                    .asRuntimeException());
            }
        });
    }

    private CompletableFuture<byte[]> receiveControl(byte[] message) {
        Function<byte[], CompletableFuture<byte[]>> handler = controlHandler;
        if (handler == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Raft is not running on this node"));
        }
        return handler.apply(message).thenApply(response -> frame(CONTROL_MESSAGE, response));
    }

    private CompletableFuture<byte[]> receiveRaft(Object message) {
        return dispatch(message).thenApply(
                response -> (response == null) ? EMPTY : frame(RAFT_MESSAGE, serializer.encode(response)));
    }

    /** Hands a message to its handler; completes with the response, or with null for one-way messages. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<Object> dispatch(Object message) {
        if (message instanceof PublishRequest publish) {
            deliver(publishListeners.get(publish.session()), publish);
            return CompletableFuture.completedFuture(null);
        }
        if (message instanceof ResetRequest reset) {
            deliver(resetListeners.get(reset.session()), reset);
            return CompletableFuture.completedFuture(null);
        }
        Function<Object, CompletableFuture<?>> handler = handlers.get(message.getClass());
        if (handler == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "Raft is not ready on this node for " + message.getClass().getSimpleName()));
        }
        return (CompletableFuture<Object>) handler.apply(message);
    }

    private static <T> void deliver(Dispatch<T> dispatch, T message) {
        if (dispatch != null) {
            dispatch.executor().execute(() -> dispatch.listener().accept(message));
        }
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<R> send(MemberId memberId, Object request) {
        byte[] encoded;
        try {
            encoded = serializer.encode(request);
        }
        catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        if (memberId.id().equals(directory.localId())) {
            return (CompletableFuture<R>) sendToSelf(encoded);
        }
        return call(memberId.id(), frame(RAFT_MESSAGE, encoded))
            .thenApply(reply -> serializer.decode(unframe(reply)));
    }

    /**
     * A message to this node itself (the leader's client session talks to its own server) skips the network and
     * gRPC's threads. The request is still copied through the serializer, so that each side has its own, as with a
     * peer; responses are immutable and are handed over as they are.
     */
    private CompletableFuture<Object> sendToSelf(byte[] encoded) {
        CompletableFuture<Object> response;
        try {
            response = dispatch(serializer.decode(encoded));
        }
        catch (RuntimeException ex) {
            response = CompletableFuture.failedFuture(ex);
        }
        return response.handle((reply, error) -> {
            if (error != null) {
                throw new CompletionException(unavailable(directory.localId(), error));
            }
            return reply;
        });
    }

    /** Like an UNAVAILABLE answer from a peer, so that Atomix retries elsewhere or later. */
    private static ConnectException unavailable(String memberId, Throwable error) {
        Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
                : error;
        ConnectException connect = new ConnectException("Raft member '" + memberId + "' is unavailable: "
                + cause.getMessage());
        connect.initCause(cause);
        return connect;
    }

    private void sendOneWay(MemberId memberId, Object request) {
        send(memberId, request).whenComplete((reply, error) -> {
            if (error != null) {
                logger.debug("Could not deliver {} to {}: {}", request.getClass().getSimpleName(), memberId,
                        error.toString());
            }
        });
    }

    private CompletableFuture<byte[]> call(String memberId, byte[] frame) {
        String address = directory.dialAddressOf(memberId);
        if (address == null) {
            return CompletableFuture.failedFuture(
                    new ConnectException("No address known for Raft member '" + memberId + "'"));
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        try {
            ManagedChannel channel = channels.computeIfAbsent(address, this::openChannel);
            if (channel.getState(true) == io.grpc.ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
            CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(requestTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            // Under the root context: a caller inside a gRPC service must not pass its call's cancellation on to
            // Raft's own requests, which outlive that call.
            Context previous = Context.ROOT.attach();
            com.google.common.util.concurrent.ListenableFuture<byte[]> reply;
            try {
                reply = ClientCalls.futureUnaryCall(channel.newCall(EXCHANGE, options), frame);
            }
            finally {
                Context.ROOT.detach(previous);
            }
            Futures.addCallback(reply,
                    new FutureCallback<>() {
                        @Override
                        public void onSuccess(byte[] reply) {
                            result.complete(reply);
                        }

                        @Override
                        public void onFailure(Throwable error) {
                            if (Status.fromThrowable(error).getCode() == Status.Code.UNAVAILABLE) {
                                // gRPC backs off reconnecting for up to two minutes; Raft retries on its own
                                // schedule and must reach a restarted peer at its next attempt.
                                channel.resetConnectBackoff();
                            }
                            security.callFailed(memberId, address, error);
                            result.completeExceptionally(asAtomixFailure(memberId, error));
                        }
                    }, MoreExecutors.directExecutor());
        }
        catch (StatusRuntimeException | IllegalStateException ex) {
            result.completeExceptionally(ex);
        }
        return result;
    }

    /**
     * Atomix retries a request on another member, or later, only for connection and timeout exceptions of the JDK,
     * so gRPC's statuses are translated into those.
     */
    private static Throwable asAtomixFailure(String memberId, Throwable error) {
        Status status = Status.fromThrowable(error);
        if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.CANCELLED) {
            ConnectException connect = new ConnectException("Raft member '" + memberId + "' is unreachable: "
                    + status.getDescription());
            connect.initCause(error);
            return connect;
        }
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            TimeoutException timeout = new TimeoutException("Raft member '" + memberId + "' did not answer in time");
            timeout.initCause(error);
            return timeout;
        }
        return error;
    }

    private ManagedChannel openChannel(String address) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address)
            .directExecutor()
            .maxInboundMessageSize(maxMessageSize);
        security.configure(builder);
        return builder.build();
    }

    private static byte[] frame(byte kind, byte[] payload) {
        byte[] framed = new byte[payload.length + 1];
        framed[0] = kind;
        System.arraycopy(payload, 0, framed, 1, payload.length);
        return framed;
    }

    private static byte[] unframe(byte[] frame) {
        byte[] payload = new byte[frame.length - 1];
        System.arraycopy(frame, 1, payload, 0, payload.length);
        return payload;
    }

    @SuppressWarnings("unchecked")
    private <T, R> void register(Class<T> type, Function<T, CompletableFuture<R>> handler) {
        handlers.put(type, message -> handler.apply((T) message));
    }

    @Override
    public void close() {
        Server current = server;
        if (current != null) {
            current.shutdownNow();
            try {
                current.awaitTermination(5, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    // ---- requests from this node to another ----

    @Override
    public CompletableFuture<OpenSessionResponse> openSession(MemberId memberId, OpenSessionRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<CloseSessionResponse> closeSession(MemberId memberId, CloseSessionRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<KeepAliveResponse> keepAlive(MemberId memberId, KeepAliveRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<QueryResponse> query(MemberId memberId, QueryRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<CommandResponse> command(MemberId memberId, CommandRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<MetadataResponse> metadata(MemberId memberId, MetadataRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<JoinResponse> join(MemberId memberId, JoinRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<LeaveResponse> leave(MemberId memberId, LeaveRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<ConfigureResponse> configure(MemberId memberId, ConfigureRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<ReconfigureResponse> reconfigure(MemberId memberId, ReconfigureRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<InstallResponse> install(MemberId memberId, InstallRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<TransferResponse> transfer(MemberId memberId, TransferRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<PollResponse> poll(MemberId memberId, PollRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<VoteResponse> vote(MemberId memberId, VoteRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<AppendResponse> append(MemberId memberId, AppendRequest request) {
        return send(memberId, request);
    }

    @Override
    public CompletableFuture<HeartbeatResponse> heartbeat(MemberId memberId, HeartbeatRequest request) {
        return send(memberId, request);
    }

    @Override
    public void publish(MemberId memberId, PublishRequest request) {
        sendOneWay(memberId, request);
    }

    @Override
    public void reset(Set<MemberId> members, ResetRequest request) {
        members.forEach(member -> sendOneWay(member, request));
    }

    // ---- handlers for requests from other nodes ----

    @Override
    public void registerOpenSessionHandler(Function<OpenSessionRequest, CompletableFuture<OpenSessionResponse>> handler) {
        register(OpenSessionRequest.class, handler);
    }

    @Override
    public void unregisterOpenSessionHandler() {
        handlers.remove(OpenSessionRequest.class);
    }

    @Override
    public void registerCloseSessionHandler(Function<CloseSessionRequest, CompletableFuture<CloseSessionResponse>> handler) {
        register(CloseSessionRequest.class, handler);
    }

    @Override
    public void unregisterCloseSessionHandler() {
        handlers.remove(CloseSessionRequest.class);
    }

    @Override
    public void registerKeepAliveHandler(Function<KeepAliveRequest, CompletableFuture<KeepAliveResponse>> handler) {
        register(KeepAliveRequest.class, handler);
    }

    @Override
    public void unregisterKeepAliveHandler() {
        handlers.remove(KeepAliveRequest.class);
    }

    @Override
    public void registerQueryHandler(Function<QueryRequest, CompletableFuture<QueryResponse>> handler) {
        register(QueryRequest.class, handler);
    }

    @Override
    public void unregisterQueryHandler() {
        handlers.remove(QueryRequest.class);
    }

    @Override
    public void registerCommandHandler(Function<CommandRequest, CompletableFuture<CommandResponse>> handler) {
        register(CommandRequest.class, handler);
    }

    @Override
    public void unregisterCommandHandler() {
        handlers.remove(CommandRequest.class);
    }

    @Override
    public void registerMetadataHandler(Function<MetadataRequest, CompletableFuture<MetadataResponse>> handler) {
        register(MetadataRequest.class, handler);
    }

    @Override
    public void unregisterMetadataHandler() {
        handlers.remove(MetadataRequest.class);
    }

    @Override
    public void registerJoinHandler(Function<JoinRequest, CompletableFuture<JoinResponse>> handler) {
        register(JoinRequest.class, handler);
    }

    @Override
    public void unregisterJoinHandler() {
        handlers.remove(JoinRequest.class);
    }

    @Override
    public void registerLeaveHandler(Function<LeaveRequest, CompletableFuture<LeaveResponse>> handler) {
        register(LeaveRequest.class, handler);
    }

    @Override
    public void unregisterLeaveHandler() {
        handlers.remove(LeaveRequest.class);
    }

    @Override
    public void registerTransferHandler(Function<TransferRequest, CompletableFuture<TransferResponse>> handler) {
        register(TransferRequest.class, handler);
    }

    @Override
    public void unregisterTransferHandler() {
        handlers.remove(TransferRequest.class);
    }

    @Override
    public void registerConfigureHandler(Function<ConfigureRequest, CompletableFuture<ConfigureResponse>> handler) {
        register(ConfigureRequest.class, handler);
    }

    @Override
    public void unregisterConfigureHandler() {
        handlers.remove(ConfigureRequest.class);
    }

    @Override
    public void registerReconfigureHandler(Function<ReconfigureRequest, CompletableFuture<ReconfigureResponse>> handler) {
        register(ReconfigureRequest.class, handler);
    }

    @Override
    public void unregisterReconfigureHandler() {
        handlers.remove(ReconfigureRequest.class);
    }

    @Override
    public void registerInstallHandler(Function<InstallRequest, CompletableFuture<InstallResponse>> handler) {
        register(InstallRequest.class, handler);
    }

    @Override
    public void unregisterInstallHandler() {
        handlers.remove(InstallRequest.class);
    }

    @Override
    public void registerPollHandler(Function<PollRequest, CompletableFuture<PollResponse>> handler) {
        register(PollRequest.class, handler);
    }

    @Override
    public void unregisterPollHandler() {
        handlers.remove(PollRequest.class);
    }

    @Override
    public void registerVoteHandler(Function<VoteRequest, CompletableFuture<VoteResponse>> handler) {
        register(VoteRequest.class, handler);
    }

    @Override
    public void unregisterVoteHandler() {
        handlers.remove(VoteRequest.class);
    }

    @Override
    public void registerAppendHandler(Function<AppendRequest, CompletableFuture<AppendResponse>> handler) {
        register(AppendRequest.class, handler);
    }

    /** Wraps a registered handler, e.g. to make accepted entries durable before the reply. */
    @SuppressWarnings("unchecked")
    <T, R> void decorateHandler(Class<T> type,
            Function<Function<T, CompletableFuture<R>>, Function<T, CompletableFuture<R>>> decorator) {
        handlers.computeIfPresent(type, (key, handler) -> {
            Function<T, CompletableFuture<R>> typed = request -> (CompletableFuture<R>) handler.apply(request);
            Function<T, CompletableFuture<R>> decorated = decorator.apply(typed);
            return message -> decorated.apply((T) message);
        });
    }

    @Override
    public void unregisterAppendHandler() {
        handlers.remove(AppendRequest.class);
    }

    @Override
    public void registerResetListener(SessionId sessionId, Consumer<ResetRequest> listener, Executor executor) {
        resetListeners.put(sessionId, new Dispatch<>(listener, executor));
    }

    @Override
    public void unregisterResetListener(SessionId sessionId) {
        resetListeners.remove(sessionId);
    }

    @Override
    public void registerHeartbeatHandler(Function<HeartbeatRequest, CompletableFuture<HeartbeatResponse>> handler) {
        register(HeartbeatRequest.class, handler);
    }

    @Override
    public void unregisterHeartbeatHandler() {
        handlers.remove(HeartbeatRequest.class);
    }

    @Override
    public void registerPublishListener(SessionId sessionId, Consumer<PublishRequest> listener, Executor executor) {
        publishListeners.put(sessionId, new Dispatch<>(listener, executor));
    }

    @Override
    public void unregisterPublishListener(SessionId sessionId) {
        publishListeners.remove(sessionId);
    }

    private record Dispatch<T>(Consumer<T> listener, Executor executor) {
    }
}
