package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.atomix.protocols.raft.protocol.RaftClientProtocol;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries Atomix's Raft server and client protocols between nodes over one unary gRPC method. Each message is
 * serialised with Atomix's protocol serializer and dispatched on arrival by its type, so one listener on
 * {@code raft.port} serves the Raft peers and the embedded clients of every node. A second kind of message,
 * engine control, carries requests Atomix has no message for (e.g. "start an election now") as the protobuf
 * messages of {@code raft_peer.proto}.
 * <p>
 * This class owns the listener and receives; the parts are {@link PeerMessageCodec} (framing, serialisation),
 * {@link PeerChannels} (outgoing channels), {@link PeerMessenger} (sending Raft messages),
 * {@link PeerDispatcher} (handlers by message type) and the protocol delegates {@link GrpcServerProtocol} and
 * {@link GrpcClientProtocol}.
 */
final class GrpcRaftTransport implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(GrpcRaftTransport.class);

    static final String SERVICE_NAME = "raftspringboot.peer.v1.RaftPeer";

    private static final MethodDescriptor<byte[], byte[]> EXCHANGE = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Exchange"))
        .setRequestMarshaller(ByteArrayMarshaller.INSTANCE)
        .setResponseMarshaller(ByteArrayMarshaller.INSTANCE)
        .build();

    /** The long-lived streams of {@link PeerStreams}: requests and replies under correlation ids. */
    static final MethodDescriptor<byte[], byte[]> STREAM = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Stream"))
        .setRequestMarshaller(ByteArrayMarshaller.INSTANCE)
        .setResponseMarshaller(ByteArrayMarshaller.INSTANCE)
        .build();

    /**
     * {@code -Draft.transport.streams=false} sends each peer request as a unary call, as before the streams (a
     * fallback, and the comparison of docs/benchmarks.md). Every node of a cluster serves both.
     */
    static final String STREAMS_PROPERTY = "raft.transport.streams";

    /** The most bytes of unanswered requests on one peer stream; beyond, requests fail at once. */
    static final long MAX_IN_FLIGHT_BYTES = 64L * 1024 * 1024;

    private final PeerMessageCodec codec = new PeerMessageCodec();

    private final PeerDispatcher dispatcher = new PeerDispatcher();

    private final InetSocketAddress bindAddress;

    private final int maxMessageSize;

    private final PeerTransportSecurity security;

    private final PeerChannels channels;

    private final GrpcServerProtocol serverProtocol;

    private final GrpcClientProtocol clientProtocol;

    private final LeaderContact leaderContact = new LeaderContact();

    private final LeaderBeats beats;

    private final String localId;

    private final PeerInbound inbound;

    private volatile Server server;

    /**
     * @param timings the Raft timings (election timeout, heartbeat interval) and the request timeout
     * @param tls     mutual TLS for the peer port, or {@code null} for plaintext
     */
    GrpcRaftTransport(PeerDirectory directory, InetSocketAddress bindAddress, Timings timings, int maxMessageSize,
            PeerTls tls) {
        this.security = new PeerTransportSecurity(tls);
        this.bindAddress = bindAddress;
        this.maxMessageSize = maxMessageSize;
        this.localId = directory.localId();
        PeerStreams streams = Boolean.parseBoolean(System.getProperty(STREAMS_PROPERTY, "true"))
                ? new PeerStreams(localId, STREAM, timings.requestTimeout(), maxMessageSize, MAX_IN_FLIGHT_BYTES,
                        security)
                : null;
        this.channels = new PeerChannels(directory, timings.requestTimeout(), maxMessageSize, security, EXCHANGE,
                streams);
        PeerMessenger messenger = new PeerMessenger(directory, codec, channels, dispatcher);
        // A follower that answers nothing for this long is cut off: beats stop, so that it can elect a new leader.
        this.beats = new LeaderBeats(timings.heartbeatInterval(), timings.electionTimeout().multipliedBy(10),
                (memberId, term) -> channels.call(memberId, PeerMessageCodec.beat(term)));
        this.serverProtocol = new GrpcServerProtocol(messenger, dispatcher, beats, leaderContact,
                timings.electionTimeout());
        this.clientProtocol = new GrpcClientProtocol(messenger, dispatcher);
        this.inbound = new PeerInbound(codec, dispatcher, leaderContact);
    }

    /** Binds the peer listener. */
    void start() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE_NAME)
            .addMethod(EXCHANGE, ServerCalls.asyncUnaryCall(inbound::receive))
            .addMethod(STREAM, PeerStreamService.handler(inbound::handle))
            .build();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(bindAddress)
            .directExecutor()
            .maxInboundMessageSize(maxMessageSize + PeerStreamFrames.ID_BYTES)
            .addService(service);
        security.configure(builder);
        server = builder.build().start();
        beats.start(localId);
    }

    /** The timings the transport schedules by. */
    record Timings(Duration electionTimeout, Duration heartbeatInterval, Duration requestTimeout) {
    }

    /** When this node last heard from a leader, as the leader's messages arrive. */
    LeaderContact leaderContact() {
        return leaderContact;
    }

    /** Pre-votes this node held back because the leader's messages were arriving ({@link GrpcServerProtocol}). */
    long heldBackPolls() {
        return serverProtocol.heldBackPolls();
    }

    /** The port actually bound (useful when configured as 0). */
    int boundPort() {
        return server.getPort();
    }

    /** The protocol Atomix's Raft server uses to reach its peers. */
    RaftServerProtocol serverProtocol() {
        return serverProtocol;
    }

    /** The protocol Atomix's embedded Raft client uses to reach the servers. */
    RaftClientProtocol clientProtocol() {
        return clientProtocol;
    }

    void setControlHandler(Function<ControlRequest, CompletableFuture<ControlReply>> controlHandler) {
        inbound.setControlHandler(controlHandler);
    }

    /** Sends an engine control message to {@code memberId} and returns its reply. */
    CompletableFuture<ControlReply> control(String memberId, ControlRequest request) {
        return channels.callAfterReconnecting(memberId, PeerMessageCodec.control(request))
            .thenApply(PeerMessageCodec::controlReply);
    }

    /**
     * Sends an engine control message that carries bulk data (a restore's file) to {@code memberId} on the stream
     * the leader's appends and snapshots travel on, so that it never delays the control lane's heartbeats and votes.
     */
    CompletableFuture<ControlReply> bulkControl(String memberId, ControlRequest request) {
        return channels.call(memberId, PeerMessageCodec.control(request), PeerStreams.Lane.BULK)
            .thenApply(PeerMessageCodec::controlReply);
    }

    /**
     * Sends an engine control message straight to {@code address} (a server that is not, or not yet, a member at
     * that address) over a channel of its own, closed after the answer, and returns the reply.
     */
    CompletableFuture<ControlReply> controlAt(String address, ControlRequest request, Duration timeout) {
        return channels.callOnce(address, PeerMessageCodec.control(request), timeout)
            .thenApply(PeerMessageCodec::controlReply);
    }

    /** Delivers a message to this node's own handler, as if it came from a peer. */
    @SuppressWarnings("unchecked")
    <T, R> CompletableFuture<R> local(T request) {
        return (CompletableFuture<R>) dispatcher.dispatch(request);
    }

    /** Wraps a registered handler, e.g. to make accepted entries durable before the reply. */
    <T, R> void decorateHandler(Class<T> type,
            Function<Function<T, CompletableFuture<R>>, Function<T, CompletableFuture<R>>> decorator) {
        dispatcher.decorate(type, decorator);
    }

    @Override
    public void close() {
        beats.close();
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
        channels.close();
    }
}
