package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open {@link PeerStream}s of this node: per peer address, one stream for Raft's appends and snapshot chunks and
 * one for everything else (votes, client requests, control messages, the leader's beats), so that a large append
 * does not hold up the small messages behind it. A stream is opened on the first send and again on the next send
 * after it ended; one sweep every {@link #sweepInterval} fails the requests whose time is up.
 */
final class PeerStreams implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PeerStreams.class);

    /** Which of a peer's streams a message takes. */
    enum Lane {
        /** Appends and snapshot chunks: large, and ordered among themselves. */
        BULK,
        /** Everything else. */
        CONTROL
    }

    private final MethodDescriptor<byte[], byte[]> method;

    private final long timeoutNanos;

    private final int maxMessageSize;

    private final long maxInFlightBytes;

    private final PeerTransportSecurity security;

    private final Map<StreamKey, PeerStream> streams = new ConcurrentHashMap<>();

    private final ScheduledExecutorService sweeper;

    /**
     * @param requestTimeout   how long a request may wait for its reply
     * @param maxMessageSize   the largest frame a peer accepts
     * @param maxInFlightBytes the most bytes of unanswered requests per stream (one request alone may exceed it)
     */
    PeerStreams(String localId, MethodDescriptor<byte[], byte[]> method, Duration requestTimeout,
            int maxMessageSize, long maxInFlightBytes, PeerTransportSecurity security) {
        this.method = method;
        this.timeoutNanos = requestTimeout.toNanos();
        this.maxMessageSize = maxMessageSize;
        this.maxInFlightBytes = maxInFlightBytes;
        this.security = security;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "raft-peer-sweep-" + localId);
            thread.setDaemon(true);
            return thread;
        });
        long every = sweepInterval(requestTimeout).toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /** A tenth of the request timeout, between 10 and 100 ms: how late a timed-out request may fail. */
    static Duration sweepInterval(Duration requestTimeout) {
        long tenth = requestTimeout.toMillis() / 10;
        return Duration.ofMillis(Math.max(10, Math.min(100, tenth)));
    }

    /** Sends a frame to {@code memberId} at {@code address} over {@code channel} and returns the reply frame. */
    CompletableFuture<byte[]> call(String memberId, String address, ManagedChannel channel, Lane lane, byte[] frame) {
        if (frame.length > maxMessageSize) {
            return CompletableFuture.failedFuture(Status.RESOURCE_EXHAUSTED
                .withDescription("A Raft message of " + frame.length + " bytes to '" + memberId
                        + "' is over the peer message limit of " + maxMessageSize + " bytes; not sent")
                .asRuntimeException());
        }
        StreamKey key = new StreamKey(address, lane);
        // A stream found ended (its close is under way) is replaced; two tries are enough.
        for (int attempt = 0; attempt < 2; attempt++) {
            PeerStream stream = streams.get(key);
            if (stream == null) {
                // Not computeIfAbsent: a call that fails as it starts ends (and leaves the map) on this thread.
                PeerStream created = open(memberId, key, channel);
                PeerStream raced = streams.putIfAbsent(key, created);
                stream = (raced != null) ? raced : created;
            }
            CompletableFuture<byte[]> reply = stream.send(memberId, frame, timeoutNanos);
            if (reply != null) {
                return reply;
            }
            streams.remove(key, stream);
        }
        return CompletableFuture.failedFuture(PeerChannels.asAtomixFailure(memberId,
                Status.UNAVAILABLE.withDescription("the stream to " + address + " ended").asRuntimeException()));
    }

    private PeerStream open(String memberId, StreamKey key, ManagedChannel channel) {
        if (channel.getState(true) == ConnectivityState.TRANSIENT_FAILURE) {
            // gRPC backs off reconnecting for up to two minutes; Raft retries on its own schedule and must reach
            // a restarted peer at its next attempt.
            channel.resetConnectBackoff();
        }
        return new PeerStream(key.address(), channel.newCall(method, CallOptions.DEFAULT), maxInFlightBytes,
                (ended, status) -> ended(memberId, key, channel, ended, status));
    }

    private void ended(String memberId, StreamKey key, ManagedChannel channel, PeerStream stream, Status status) {
        streams.remove(key, stream);
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            channel.resetConnectBackoff();
        }
        if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
            security.callFailed(memberId, key.address(), status.asRuntimeException());
            logger.debug("The {} stream to {} ended: {}", key.lane(), key.address(), status);
        }
    }

    /** Ends the streams to {@code address}, e.g. when its channel is closed. */
    void closeStreamsTo(String address) {
        streams.forEach((key, stream) -> {
            if (key.address().equals(address)) {
                stream.cancel("the channel to " + address + " is closed");
            }
        });
    }

    /** The open stream of {@code lane} to {@code address}, if any (for tests and diagnostics). */
    PeerStream stream(String address, Lane lane) {
        return streams.get(new StreamKey(address, lane));
    }

    private void sweepSafely() {
        try {
            long now = System.nanoTime();
            streams.values().forEach(stream -> stream.sweep(now));
        }
        catch (RuntimeException ex) {
            logger.warn("Could not sweep the peer streams for timed-out requests: {}", ex.toString());
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        streams.values().forEach(stream -> stream.cancel("this node's transport is closing"));
        streams.clear();
    }

    private record StreamKey(String address, Lane lane) {
    }
}
