package io.github.raftspringboot.engine.atomix;

import java.net.ConnectException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived bidirectional gRPC call to a peer that carries many requests: each request goes out with a
 * correlation id ({@link PeerStreamFrames}) and its reply, which comes back on the same call, completes the matching
 * future. Per request it costs one message on an open HTTP/2 stream instead of a unary call's stream set-up, header
 * block and deadline timer.
 * <p>
 * Requests that outlive the request timeout are failed by {@link #sweep} (one scheduled sweep for every stream, not a
 * timer per request). When the call ends (peer gone, link cut, peer restarted) every request still waiting fails at
 * once, so that Atomix retries at once; the owner ({@link PeerStreams}) opens a new call on the next send. The
 * bytes of unanswered requests are bounded: beyond {@code maxInFlightBytes} a request fails at once instead of
 * queueing behind a peer that does not keep up.
 */
final class PeerStream {

    private static final Logger logger = LoggerFactory.getLogger(PeerStream.class);

    /** Replies asked of gRPC ahead (inbound flow control); one more is asked after each reply handled. */
    private static final int REPLIES_AHEAD = 64;

    private final String address;

    private final ClientCall<byte[], byte[]> call;

    private final long maxInFlightBytes;

    private final BiConsumer<PeerStream, Status> onClose;

    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    private final AtomicLong inFlightBytes = new AtomicLong();

    /** Guarded by this. */
    private long lastId;

    /** Guarded by this. */
    private boolean started;

    /** Guarded by this. */
    private boolean closed;

    private volatile long lastReplyNanos = System.nanoTime();

    /**
     * @param address          the peer's address, for messages
     * @param call             a new call of the stream method, started by the first send
     * @param maxInFlightBytes the most bytes of requests left unanswered; one request alone may exceed it
     * @param onClose          told once when the call has ended, before the requests waiting are failed
     */
    PeerStream(String address, ClientCall<byte[], byte[]> call, long maxInFlightBytes,
            BiConsumer<PeerStream, Status> onClose) {
        this.address = address;
        this.call = call;
        this.maxInFlightBytes = maxInFlightBytes;
        this.onClose = onClose;
    }

    /** Guarded by this: the call is started by the first send. */
    private void startIfNeeded() {
        if (started) {
            return;
        }
        started = true;
        // Under the root context: a caller inside a gRPC service must not pass its call's cancellation on to the
        // stream, which outlives that call.
        Context previous = Context.ROOT.attach();
        try {
            call.start(new Replies(), new Metadata());
            call.request(REPLIES_AHEAD);
        }
        finally {
            Context.ROOT.detach(previous);
        }
    }

    /**
     * Sends a frame to the member {@code memberId} at this stream's address.
     *
     * @return the future of the reply frame, or {@code null} when this stream has ended (send on a new one)
     */
    CompletableFuture<byte[]> send(String memberId, byte[] frame, long timeoutNanos) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        synchronized (this) {
            startIfNeeded();
            if (closed) {
                return null;
            }
            long inFlight = inFlightBytes.get();
            if (inFlight > 0 && inFlight + frame.length > maxInFlightBytes) {
                return CompletableFuture.failedFuture(new ConnectException("Raft member '" + memberId + "' at "
                        + address + " is not keeping up: " + inFlight + " bytes of requests are unanswered, the "
                        + "limit is " + maxInFlightBytes + " (request of " + frame.length + " bytes not sent)"));
            }
            long id = ++lastId;
            long now = System.nanoTime();
            pending.put(id, new Pending(memberId, reply, now, now + timeoutNanos, frame.length));
            inFlightBytes.addAndGet(frame.length);
            try {
                call.sendMessage(PeerStreamFrames.withId(id, frame));
            }
            catch (RuntimeException ex) {
                // The call ended under us (its close fails the others): this request fails now, to be retried.
                if (pending.remove(id) != null) {
                    inFlightBytes.addAndGet(-frame.length);
                    ConnectException failure = new ConnectException("Raft member '" + memberId + "' at " + address
                            + " is unreachable: " + ex);
                    failure.initCause(ex);
                    reply.completeExceptionally(failure);
                }
            }
        }
        return reply;
    }

    /** Unanswered requests on this stream. */
    int pendingCount() {
        return pending.size();
    }

    /** Bytes of the unanswered requests on this stream. */
    long inFlightBytes() {
        return inFlightBytes.get();
    }

    /**
     * Fails each request whose time is up with a {@link TimeoutException}. When one of them heard nothing back on
     * this stream for its whole wait (a link that swallows bytes), the call is cancelled: its buffered requests
     * are dropped, the others fail at once and the next send opens a new call.
     */
    void sweep(long nowNanos) {
        boolean silent = false;
        for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, Pending> entry = it.next();
            Pending request = entry.getValue();
            if (nowNanos - request.deadlineNanos() >= 0 && pending.remove(entry.getKey(), request)) {
                inFlightBytes.addAndGet(-request.bytes());
                silent |= lastReplyNanos - request.sentNanos() < 0;
                request.reply().completeExceptionally(new TimeoutException("Raft member '" + request.memberId()
                        + "' did not answer in time"));
            }
        }
        if (silent) {
            cancel("no reply from " + address + " for the whole request timeout");
        }
    }

    /** Ends the call; the requests waiting fail at once. */
    void cancel(String reason) {
        synchronized (this) {
            if (started && !closed) {
                call.cancel(reason, null);
            }
        }
    }

    private void replied(byte[] message) {
        lastReplyNanos = System.nanoTime();
        long id;
        try {
            id = PeerStreamFrames.id(message);
        }
        catch (IllegalArgumentException ex) {
            logger.warn("Ignoring a reply from Raft peer {}: {}", address, ex.getMessage());
            return;
        }
        Pending request = pending.remove(id);
        if (request == null) {
            return; // answered after its time was up: already failed
        }
        inFlightBytes.addAndGet(-request.bytes());
        if (PeerStreamFrames.isFailure(message)) {
            // A ConnectException all the same: it is what makes Atomix try again, elsewhere or later.
            request.reply().completeExceptionally(new ConnectException("Raft member '" + request.memberId()
                    + "' could not handle the request: " + PeerStreamFrames.failureReason(message)));
        }
        else {
            request.reply().complete(PeerStreamFrames.frame(message));
        }
    }

    private void ended(Status status) {
        synchronized (this) {
            closed = true;
        }
        onClose.accept(this, status);
        Status cause = status.isOk() ? Status.UNAVAILABLE.withDescription("the peer ended the stream") : status;
        for (Long id : pending.keySet()) {
            Pending request = pending.remove(id);
            if (request != null) {
                inFlightBytes.addAndGet(-request.bytes());
                request.reply().completeExceptionally(
                        PeerChannels.asAtomixFailure(request.memberId(), cause.asRuntimeException()));
            }
        }
    }

    @Override
    public String toString() {
        return "PeerStream[" + address + ", " + pending.size() + " pending]";
    }

    private record Pending(String memberId, CompletableFuture<byte[]> reply, long sentNanos, long deadlineNanos,
            int bytes) {
    }

    private final class Replies extends ClientCall.Listener<byte[]> {

        @Override
        public void onMessage(byte[] message) {
            try {
                replied(message);
            }
            finally {
                call.request(1);
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            ended(status);
        }
    }
}
