package io.github.raftspringboot.engine.atomix;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;

/**
 * The outgoing side of the peer port: one gRPC channel per peer address, kept open and reused, and on it the
 * long-lived streams that carry the requests ({@link PeerStreams}), or, when streams are turned off, one unary call
 * of the peer method per request. gRPC failures come back as the JDK exceptions Atomix retries on.
 */
final class PeerChannels implements AutoCloseable {

    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(2);

    private static final long RECONNECT_POLL_MILLIS = 5;

    private final PeerDirectory directory;

    private final Duration requestTimeout;

    private final int maxMessageSize;

    private final PeerTransportSecurity security;

    private final MethodDescriptor<byte[], byte[]> method;

    /** The streams requests travel on, or {@code null} for one unary call per request. */
    private final PeerStreams streams;

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    /**
     * @param method  the unary peer method
     * @param streams the streams to send requests on, or {@code null} to send each as a unary call of {@code method}
     */
    PeerChannels(PeerDirectory directory, Duration requestTimeout, int maxMessageSize,
            PeerTransportSecurity security, MethodDescriptor<byte[], byte[]> method, PeerStreams streams) {
        this.directory = directory;
        this.requestTimeout = requestTimeout;
        this.maxMessageSize = maxMessageSize;
        this.security = security;
        this.method = method;
        this.streams = streams;
    }

    /** The streams requests travel on, or {@code null} when each is a unary call. */
    PeerStreams streams() {
        return streams;
    }

    /** Sends a frame to the member {@code memberId} on its control lane and returns the reply frame. */
    CompletableFuture<byte[]> call(String memberId, byte[] frame) {
        return call(memberId, frame, PeerStreams.Lane.CONTROL);
    }

    /**
     * Like {@link #call(String, byte[])}, but a channel that is not connected first gets one fresh chance to connect.
     * gRPC keeps a channel whose connection failed in {@code TRANSIENT_FAILURE} until a new connection is up, and
     * fails every call meanwhile with the old error; so the first request to a peer that has come back since (a
     * follower's first forwarded request to a leader it could not reach while the cluster started) would fail for
     * nothing. Raft's own messages are retried by Atomix and do not wait; a control message is one request that a
     * caller is waiting for.
     */
    CompletableFuture<byte[]> callAfterReconnecting(String memberId, byte[] frame) {
        String address = directory.dialAddressOf(memberId);
        ManagedChannel channel = (address != null) ? channels.computeIfAbsent(address, this::openChannel) : null;
        ConnectivityState state = (channel != null) ? channel.getState(false) : null;
        if (state != ConnectivityState.TRANSIENT_FAILURE && state != ConnectivityState.CONNECTING) {
            return call(memberId, frame);
        }
        CompletableFuture<Void> settled = new CompletableFuture<>();
        awaitConnection(channel, settled, System.nanoTime() + reconnectWait(requestTimeout).toNanos(), false);
        return settled.thenCompose(ignored -> call(memberId, frame));
    }

    /** How long a control message waits for a channel to connect: at most 2 s of its request timeout. */
    static Duration reconnectWait(Duration requestTimeout) {
        return (requestTimeout.compareTo(RECONNECT_WAIT) < 0) ? requestTimeout : RECONNECT_WAIT;
    }

    /**
     * Completes {@code settled} once {@code channel} is connected (or idle, where a call connects it), or at the
     * deadline. The first time it is found failed, it is told to try again now rather than after its back-off.
     * Polled, not watched: a state listener on a channel to a peer that stays down would only pile up.
     */
    private static void awaitConnection(ManagedChannel channel, CompletableFuture<Void> settled, long deadlineNanos,
            boolean retried) {
        ConnectivityState state = channel.getState(false);
        if (state == ConnectivityState.READY || state == ConnectivityState.IDLE
                || state == ConnectivityState.SHUTDOWN || System.nanoTime() - deadlineNanos >= 0) {
            settled.complete(null);
            return;
        }
        boolean retry = !retried && state == ConnectivityState.TRANSIENT_FAILURE;
        if (retry) {
            channel.resetConnectBackoff();
        }
        CompletableFuture.delayedExecutor(RECONNECT_POLL_MILLIS, TimeUnit.MILLISECONDS)
            .execute(() -> awaitConnection(channel, settled, deadlineNanos, retried || retry));
    }

    /** Sends a frame to the member {@code memberId} over its pooled channel and returns the reply frame. */
    CompletableFuture<byte[]> call(String memberId, byte[] frame, PeerStreams.Lane lane) {
        String address = directory.dialAddressOf(memberId);
        if (address == null) {
            return CompletableFuture.failedFuture(
                    new ConnectException("No address known for Raft member '" + memberId + "'"));
        }
        if (streams != null) {
            try {
                return streams.call(memberId, address, channels.computeIfAbsent(address, this::openChannel), lane,
                        frame);
            }
            catch (RuntimeException ex) {
                return CompletableFuture.failedFuture(ex);
            }
        }
        return callUnary(memberId, address, frame);
    }

    private CompletableFuture<byte[]> callUnary(String memberId, String address, byte[] frame) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        try {
            ManagedChannel channel = channels.computeIfAbsent(address, this::openChannel);
            if (channel.getState(true) == ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
            CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(requestTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            // Under the root context: a caller inside a gRPC service must not pass its call's cancellation on to
            // Raft's own requests, which outlive that call.
            Context previous = Context.ROOT.attach();
            ListenableFuture<byte[]> reply;
            try {
                reply = ClientCalls.futureUnaryCall(channel.newCall(method, options), frame);
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
     * Sends a frame straight to {@code address} (a server that is not, or not yet, a member at that address) over a
     * channel of its own, closed after the answer, and returns the reply frame.
     */
    CompletableFuture<byte[]> callOnce(String address, byte[] frame, Duration timeout) {
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
            Futures.addCallback(ClientCalls.futureUnaryCall(channel.newCall(method,
                    CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)), frame),
                    new FutureCallback<>() {
                        @Override
                        public void onSuccess(byte[] reply) {
                            result.complete(reply);
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

    /**
     * Atomix retries a request on another member, or later, only for connection and timeout exceptions of the JDK,
     * so gRPC's statuses are translated into those.
     */
    static Throwable asAtomixFailure(String memberId, Throwable error) {
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
            .maxInboundMessageSize(maxMessageSize + PeerStreamFrames.ID_BYTES);
        security.configure(builder);
        return builder.build();
    }

    @Override
    public void close() {
        if (streams != null) {
            streams.close();
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
