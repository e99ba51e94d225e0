package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;
import io.github.raftspringboot.engine.atomix.peer.Failure;
import io.github.raftspringboot.engine.atomix.peer.RestoreFilePiece;
import io.github.raftspringboot.engine.atomix.peer.RestoreFileSend;

/**
 * Restore files between members: a restore sends its verified backup to each member in {@link #PIECE_BYTES} pieces,
 * {@link #PIECES_AHEAD} on the way at once, on the peer stream's bulk lane (as the leader's snapshot push); a member
 * that must apply a restore's commit entry without the file asks the members that hold it to send it, one after the
 * other, until it has it.
 */
final class RestoreFileTransfers implements AutoCloseable {

    static final int PIECE_BYTES = 256 * 1024;

    static final int PIECES_AHEAD = 16;

    /** Between two rounds of asking every member for a file: none held it, or none could send it. */
    private static final Duration ASK_AGAIN_AFTER = Duration.ofSeconds(1);

    /** How often a node that waits for a restore's file says so. */
    private static final Duration WARN_EVERY = Duration.ofSeconds(10);

    /** A sending that started is awaited at least this long, and longer at the rate below. */
    private static final Duration SEND_WAIT = Duration.ofSeconds(30);

    private static final long SLOWEST_BYTES_PER_SECOND = 5L * 1024 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(RestoreFileTransfers.class);

    private final String localId;

    private final RestoreFiles files;

    /** Sends a control request to a member on its bulk lane. */
    private final BiFunction<String, ControlRequest, CompletableFuture<ControlReply>> bulk;

    /** Sends a control request to a member on its control lane. */
    private final BiFunction<String, ControlRequest, CompletableFuture<ControlReply>> control;

    /** The other members' ids, to ask for a file. */
    private final Supplier<Collection<String>> peers;

    private final ExecutorService senders;

    private volatile boolean closed;

    RestoreFileTransfers(String localId, RestoreFiles files,
            BiFunction<String, ControlRequest, CompletableFuture<ControlReply>> bulk,
            BiFunction<String, ControlRequest, CompletableFuture<ControlReply>> control,
            Supplier<Collection<String>> peers) {
        this.localId = localId;
        this.files = files;
        this.bulk = bulk;
        this.control = control;
        this.peers = peers;
        this.senders = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "raft-" + localId + "-restore-send");
            thread.setDaemon(true);
            return thread;
        });
    }

    RestoreFiles files() {
        return files;
    }

    /**
     * Sends restore {@code id}'s file to {@code memberId} as {@code source} grows (or at once, if it is complete);
     * completes once the member holds it, verified. {@code acknowledged} is told the bytes of each piece the member
     * took.
     */
    CompletableFuture<Void> send(String memberId, String id, GrowingFile source, LongConsumer acknowledged) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            senders.execute(() -> {
                try {
                    sendPieces(memberId, id, source, acknowledged);
                    done.complete(null);
                }
                catch (Exception ex) {
                    done.completeExceptionally(ex);
                }
            });
        }
        catch (RejectedExecutionException ex) {
            done.completeExceptionally(ex);
        }
        return done;
    }

    private void sendPieces(String memberId, String id, GrowingFile source, LongConsumer acknowledged)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        long size = source.size();
        long transfer = ThreadLocalRandom.current().nextLong();
        Semaphore window = new Semaphore(PIECES_AHEAD);
        // At most PIECES_AHEAD buffers: a piece's is read into again once the member has answered it, when its message
        // was sent whole; a piece that failed keeps its buffer, as its message may still be on its way. (A new array
        // per piece made the node taking an upload allocate twice the backup's size, which kept its heap collecting.)
        Queue<byte[]> spare = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (FileChannel channel = FileChannel.open(source.path(), StandardOpenOption.READ)) {
            long offset = 0;
            do {
                window.acquire();
                if (failure.get() != null) {
                    // Its permit back, so that the wait for the pieces on the way below can end.
                    window.release();
                    break;
                }
                int length = (int) Math.min(PIECE_BYTES, size - offset);
                source.awaitWritten(offset + length);
                byte[] spareBuffer = spare.poll();
                byte[] bytes = (spareBuffer != null) ? spareBuffer : new byte[PIECE_BYTES];
                ByteBuffer data = ByteBuffer.wrap(bytes, 0, length);
                while (data.hasRemaining()) {
                    if (channel.read(data, offset + data.position()) < 0) {
                        throw new IOException("restore " + id + "'s file is shorter than its " + size + " bytes");
                    }
                }
                RestoreFilePiece.Builder piece = RestoreFilePiece.newBuilder()
                    .setId(id)
                    .setSize(size)
                    .setTransfer(transfer)
                    .setOffset(offset)
                    // Wrapped, not copied: nothing writes into the array until the member has answered.
                    .setData(UnsafeByteOperations.unsafeWrap(bytes, 0, length));
                if (offset + length == size) {
                    // The last piece, sent once the whole upload is verified: the receiver checks the file against it.
                    piece.setSha256(ByteString.copyFrom(source.awaitSealed()));
                }
                bulk.apply(memberId, ControlRequest.newBuilder().setRestoreFilePiece(piece).build())
                    .whenComplete((reply, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                        else if (reply.hasFailure()) {
                            failure.compareAndSet(null, new IOException(reply.getFailure().getMessage()));
                        }
                        else {
                            spare.add(bytes);
                            acknowledged.accept(length);
                        }
                        window.release();
                    });
                offset += length;
            }
            while (offset < size);
            window.acquire(PIECES_AHEAD);
        }
        Throwable failed = failure.get();
        if (failed != null) {
            throw new IOException("could not send restore " + id + "'s file to '" + memberId + "': "
                    + AtomixErrors.reasonOf(failed), failed);
        }
        logger.info("Sent restore {}'s file ({} MB) to '{}' in {} ms", id, size >> 20, memberId,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** A piece of a file another member sends: answered with the bytes held, or why the piece was refused. */
    CompletableFuture<ControlReply> onPiece(RestoreFilePiece piece) {
        return files.receive(piece).handle((held, error) -> (error == null)
                ? ControlReply.newBuilder().setIndex(held).build()
                : ControlReply.newBuilder()
                    .setFailure(Failure.newBuilder()
                        .setReason("INVALID_REQUEST")
                        .setMessage("'" + localId + "': " + AtomixErrors.unwrap(error).getMessage()))
                    .build());
    }

    /** A member asks for a file: starts sending it if this node holds it; answers at once. */
    CompletableFuture<ControlReply> onSendRequest(RestoreFileSend request) {
        String id = request.getId();
        if (!RestoreFiles.validId(id) || !files.holds(id, request.getSize())) {
            return CompletableFuture.completedFuture(ControlReply.newBuilder()
                .setFailure(Failure.newBuilder()
                    .setReason("NOT_FOUND")
                    .setMessage("'" + localId + "' does not hold restore " + id + "'s file"))
                .build());
        }
        send(request.getRequester(), id, GrowingFile.complete(files.file(id), request.getSize(),
                request.getSha256().toByteArray()), bytes -> { })
            .whenComplete((ignored, error) -> {
                if (error != null) {
                    logger.warn("Could not send restore {}'s file to '{}', who asked for it: {}", id,
                            request.getRequester(), error.getMessage());
                }
            });
        return CompletableFuture.completedFuture(ControlReply.newBuilder().setIndex(request.getSize()).build());
    }

    /**
     * Until this node holds restore {@code id}'s file: asks each other member in turn to send it, and waits for it.
     * Blocks (the state machine thread, which cannot apply the restore's entry without it) for as long as it takes,
     * saying so every {@link #WARN_EVERY}; gives up only when {@code running} turns false.
     */
    void obtain(String id, long size, byte[] sha256, BooleanSupplier running) throws InterruptedException {
        if (files.holds(id, size)) {
            return;
        }
        long since = System.nanoTime();
        long lastWarning = since;
        while (!files.holds(id, size)) {
            if (closed || !running.getAsBoolean()) {
                throw new InterruptedException("the node stopped while it waited for restore " + id + "'s file");
            }
            for (String peer : peers.get()) {
                if (!peer.equals(localId) && askAndAwait(peer, id, size, sha256)) {
                    break;
                }
            }
            if (files.holds(id, size)) {
                break;
            }
            long now = System.nanoTime();
            if (now - lastWarning >= WARN_EVERY.toNanos()) {
                lastWarning = now;
                logger.warn("Waiting for restore {}'s file for {} s: this node must apply the restore's commit entry "
                        + "and no other member could send the file yet (they keep it until their logs are compacted "
                        + "past the entry). If no member holds it any more, replace this node: it then copies the "
                        + "current state from the leader (docs/operations.md, \"Replacing a failed node\")", id,
                        (now - since) / 1_000_000_000);
            }
            TimeUnit.MILLISECONDS.sleep(ASK_AGAIN_AFTER.toMillis());
        }
        logger.info("Holding restore {}'s file, sent by another member, after {} ms", id,
                (System.nanoTime() - since) / 1_000_000);
    }

    private boolean askAndAwait(String peer, String id, long size, byte[] sha256) throws InterruptedException {
        ControlRequest ask = ControlRequest.newBuilder()
            .setRestoreFileSend(RestoreFileSend.newBuilder()
                .setId(id)
                .setRequester(localId)
                .setSize(size)
                .setSha256(ByteString.copyFrom(sha256)))
            .build();
        try {
            ControlReply reply = control.apply(peer, ask).get(SEND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.hasFailure()) {
                logger.debug("Asked '{}' for restore {}'s file: {}", peer, id, reply.getFailure().getMessage());
                return false;
            }
        }
        catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
            logger.debug("Could not ask '{}' for restore {}'s file: {}", peer, id, ex.toString());
            return false;
        }
        long waitMillis = SEND_WAIT.toMillis() + 1000 * (size / SLOWEST_BYTES_PER_SECOND);
        try {
            files.arrival(id, size).get(waitMillis, TimeUnit.MILLISECONDS);
        }
        catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
            logger.debug("'{}' started to send restore {}'s file, which did not arrive in {} ms", peer, id,
                    waitMillis);
        }
        return files.holds(id, size);
    }

    @Override
    public void close() {
        closed = true;
        files.stopWaiting();
        senders.shutdownNow();
    }
}
