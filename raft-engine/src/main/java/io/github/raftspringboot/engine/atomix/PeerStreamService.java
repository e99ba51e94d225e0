package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;

import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of a peer's {@link PeerStream}: each request is handed to the transport as it arrives (on
 * gRPC's thread, which only decodes it and passes it on: the handlers run on Atomix's threads), and its reply goes
 * back on the same call under the request's id, in whatever order the replies complete.
 */
final class PeerStreamService {

    private static final Logger logger = LoggerFactory.getLogger(PeerStreamService.class);

    private PeerStreamService() {
    }

    /** The transport's handling of one received frame, completing with the reply frame. */
    @FunctionalInterface
    interface FrameHandler {

        /** Handles the frame that starts at {@code offset} in {@code message} (after the stream's request id). */
        CompletableFuture<byte[]> handle(byte[] message, int offset);
    }

    /** @param handle the transport's handling of one frame, completing with the reply frame */
    static ServerCallHandler<byte[], byte[]> handler(FrameHandler handle) {
        return ServerCalls.asyncBidiStreamingCall(responses -> new Requests(
                (ServerCallStreamObserver<byte[]>) responses, handle));
    }

    private static final class Requests implements StreamObserver<byte[]> {

        private final ServerCallStreamObserver<byte[]> replies;

        private final FrameHandler handle;

        /** Guarded by this: no reply may be written once the call has ended. */
        private boolean ended;

        Requests(ServerCallStreamObserver<byte[]> replies, FrameHandler handle) {
            this.replies = replies;
            this.handle = handle;
            replies.setOnCancelHandler(this::end);
        }

        @Override
        public void onNext(byte[] message) {
            long id;
            try {
                id = PeerStreamFrames.id(message);
            }
            catch (IllegalArgumentException ex) {
                logger.warn("Closing a Raft peer stream: {}", ex.getMessage());
                fail(Status.INVALID_ARGUMENT.withDescription(ex.getMessage()));
                return;
            }
            CompletableFuture<byte[]> reply;
            try {
                reply = handle.handle(message, PeerStreamFrames.ID_BYTES);
            }
            catch (RuntimeException ex) {
                reply = CompletableFuture.failedFuture(ex);
            }
            reply.whenComplete((frame, error) -> write((error == null) ? PeerStreamFrames.withId(id, frame)
                    : PeerStreamFrames.failure(id, AtomixErrors.reasonOf(error))));
        }

        private synchronized void write(byte[] message) {
            if (!ended) {
                replies.onNext(message);
            }
        }

        private synchronized void fail(Status status) {
            if (!ended) {
                ended = true;
                replies.onError(status.asRuntimeException());
            }
        }

        private synchronized void end() {
            ended = true;
        }

        @Override
        public void onError(Throwable error) {
            end();
        }

        @Override
        public synchronized void onCompleted() {
            if (!ended) {
                ended = true;
                replies.onCompleted();
            }
        }
    }
}
