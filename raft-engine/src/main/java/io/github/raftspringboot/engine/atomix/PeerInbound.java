package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What arrives on the peer port ({@link GrpcRaftTransport}): each frame decoded on gRPC's thread and handed to its
 * handler (Atomix's Raft server through the {@link PeerDispatcher}, or the engine's control handler), and the reply
 * framed. A leader's messages are noted as its contact on arrival.
 */
final class PeerInbound {

    private static final Logger logger = LoggerFactory.getLogger(PeerInbound.class);

    private static final Duration HANDLER_WARNING_EVERY = Duration.ofSeconds(10);

    private final PeerMessageCodec codec;

    private final PeerDispatcher dispatcher;

    private final LeaderContact leaderContact;

    private volatile Function<ControlRequest, CompletableFuture<ControlReply>> controlHandler;

    /** When a failing handler was last logged: at most one WARN every {@link #HANDLER_WARNING_EVERY}. */
    private final AtomicLong lastHandlerWarning = new AtomicLong(System.nanoTime() - HANDLER_WARNING_EVERY.toNanos());

    PeerInbound(PeerMessageCodec codec, PeerDispatcher dispatcher, LeaderContact leaderContact) {
        this.codec = codec;
        this.dispatcher = dispatcher;
        this.leaderContact = leaderContact;
    }

    void setControlHandler(Function<ControlRequest, CompletableFuture<ControlReply>> controlHandler) {
        this.controlHandler = controlHandler;
    }

    /** A unary call's frame: handled, and answered on {@code responses}. */
    void receive(byte[] frame, StreamObserver<byte[]> responses) {
        handle(frame, 0).whenComplete((response, error) -> {
            if (error == null) {
                responses.onNext(response);
                responses.onCompleted();
            }
            else {
                responses.onError(Status.UNAVAILABLE.withDescription(AtomixErrors.reasonOf(error))
                    .asRuntimeException());
            }
        });
    }

    /**
     * Handles one frame from a peer, the one that starts at {@code offset} in {@code message} (on gRPC's thread: decoded
     * here, handled on Atomix's), and returns the reply.
     */
    CompletableFuture<byte[]> handle(byte[] message, int offset) {
        CompletableFuture<byte[]> reply;
        try {
            if (PeerMessageCodec.isBeat(message, offset)) {
                leaderContact.heard(PeerMessageCodec.beatTerm(message, offset));
                reply = CompletableFuture.completedFuture(PeerMessageCodec.EMPTY);
            }
            else {
                reply = PeerMessageCodec.isControl(message, offset)
                        ? receiveControl(PeerMessageCodec.controlRequest(message, offset))
                        : receiveRaft(codec.decodeFrame(message, offset));
            }
        }
        catch (RuntimeException ex) {
            logger.warn("Could not handle a Raft peer message: {}", ex.toString());
            reply = CompletableFuture.failedFuture(ex);
        }
        return reply;
    }

    private CompletableFuture<byte[]> receiveControl(ControlRequest request) {
        Function<ControlRequest, CompletableFuture<ControlReply>> handler = controlHandler;
        if (handler == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Raft is not running on this node"));
        }
        return handler.apply(request).thenApply(PeerMessageCodec::control);
    }

    private CompletableFuture<byte[]> receiveRaft(Object message) {
        // Noted on arrival, before the Raft thread (maybe busy writing an earlier append) takes the message up.
        if (message instanceof AppendRequest append) {
            leaderContact.heard(append.term());
        }
        else if (message instanceof InstallRequest install) {
            leaderContact.heard(install.term());
        }
        return dispatcher.dispatch(message)
            .whenComplete((response, error) -> {
                if (error != null) {
                    warnOfFailedHandler(message, error);
                }
            })
            .thenApply(response -> (response == null) ? PeerMessageCodec.EMPTY
                    : PeerMessageCodec.frame(PeerMessageCodec.RAFT_MESSAGE, codec.encode(response)));
    }

    /**
     * Atomix answers a request it refuses with an error response; a handler that throws instead means a fault here
     * (e.g. a log it cannot append to), which only the sender saw, as a failed request it retries for ever.
     */
    private void warnOfFailedHandler(Object message, Throwable error) {
        Throwable cause = AtomixErrors.unwrap(error);
        if (!PeerDispatcher.isNotReady(cause)) {
            long now = System.nanoTime();
            long last = lastHandlerWarning.get();
            if (now - last >= HANDLER_WARNING_EVERY.toNanos() && lastHandlerWarning.compareAndSet(last, now)) {
                logger.warn("Could not handle a {} from a Raft peer (logged at most every {} s): {}",
                        message.getClass().getSimpleName(), HANDLER_WARNING_EVERY.toSeconds(), cause.toString());
            }
        }
    }
}
