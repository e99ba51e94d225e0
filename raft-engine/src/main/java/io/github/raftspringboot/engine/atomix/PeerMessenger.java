package io.github.raftspringboot.engine.atomix;

import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.InstallRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Atomix's Raft messages from this node: serialised and framed for a peer, or handed straight to this node's
 * own handlers when addressed to itself.
 */
final class PeerMessenger {

    private static final Logger logger = LoggerFactory.getLogger(PeerMessenger.class);

    private final PeerDirectory directory;

    private final PeerMessageCodec codec;

    private final PeerChannels channels;

    private final PeerDispatcher dispatcher;

    PeerMessenger(PeerDirectory directory, PeerMessageCodec codec, PeerChannels channels, PeerDispatcher dispatcher) {
        this.directory = directory;
        this.codec = codec;
        this.channels = channels;
        this.dispatcher = dispatcher;
    }

    @SuppressWarnings("unchecked")
    <R> CompletableFuture<R> send(MemberId memberId, Object request) {
        byte[] encoded;
        try {
            encoded = codec.encode(request);
        }
        catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        if (memberId.id().equals(directory.localId())) {
            return (CompletableFuture<R>) sendToSelf(encoded);
        }
        PeerStreams.Lane lane = (request instanceof AppendRequest || request instanceof InstallRequest)
                ? PeerStreams.Lane.BULK : PeerStreams.Lane.CONTROL;
        return channels.call(memberId.id(), PeerMessageCodec.frame(PeerMessageCodec.RAFT_MESSAGE, encoded), lane)
            .thenApply(reply -> codec.decodeFrame(reply, 0));
    }

    void sendOneWay(MemberId memberId, Object request) {
        send(memberId, request).whenComplete((reply, error) -> {
            if (error != null) {
                logger.debug("Could not deliver {} to {}: {}", request.getClass().getSimpleName(), memberId,
                        error.toString());
            }
        });
    }

    /**
     * A message to this node itself (the leader's client session talks to its own server) skips the network and
     * gRPC's threads. The request is still copied through the serializer, so that each side has its own, as with a
     * peer; responses are immutable and are handed over as they are.
     */
    private CompletableFuture<Object> sendToSelf(byte[] encoded) {
        CompletableFuture<Object> response;
        try {
            response = dispatcher.dispatch(codec.decode(encoded));
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
}
