package io.github.raftspringboot.autoconfigure.grpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;

import com.google.protobuf.ByteString;

/**
 * A client's upload as an {@link InputStream}, read while it arrives: each message's bytes are queued as gRPC delivers
 * them and read by the thread that restores them, which asks gRPC for the next message only as it takes one, so at
 * most {@link #AHEAD} messages wait in memory (gRPC's flow control holds back the client meanwhile). A cancelled or
 * failed upload fails the read.
 */
final class UploadStream extends InputStream {

    /** Messages asked for before the first is read (1 MB each from {@code raftmanager}). */
    static final int AHEAD = 8;

    /** How much of the upload's start is kept for its header (node id, index, time, length). */
    static final int HEAD_BYTES = 64 * 1024;

    private static final Object END = new Object();

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();

    /** Asks gRPC for more messages. */
    private final IntConsumer request;

    private ByteString current = ByteString.EMPTY;

    private int position;

    private boolean ended;

    /** Set once the client cancelled or the call failed: the restore's failure is then the client's doing. */
    private volatile boolean cut;

    /** The SHA-256 of every byte read, and their count: the uploaded file's, once read to its end. */
    private final MessageDigest digest;

    private long count;

    /** The upload's first bytes, which hold the backup's header. */
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();

    /** @param request asks the call for {@code n} more messages ({@code ServerCallStreamObserver::request}) */
    UploadStream(IntConsumer request) {
        this.request = request;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
    }

    /** The SHA-256 of the bytes read so far, in lower-case hex. */
    String sha256() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** How many bytes were read. */
    long count() {
        return count;
    }

    /** The first bytes read, at most {@link #HEAD_BYTES}. */
    byte[] head() {
        return head.toByteArray();
    }

    /** Asks for the first messages; once, before the first read. */
    void start() {
        request.accept(AHEAD);
    }

    /** gRPC's thread: a message arrived. */
    void arrived(ByteString data) {
        messages.add(data);
    }

    /** gRPC's thread: the client sent its last message. */
    void completed() {
        messages.add(END);
    }

    /** gRPC's thread: the upload was cancelled or failed. */
    void failed(Throwable error) {
        cut = true;
        messages.add(error);
    }

    /** Whether the client cancelled the upload (or the call failed) before its end. */
    boolean cut() {
        return cut;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return (read < 0) ? -1 : Byte.toUnsignedInt(one[0]);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == current.size()) {
            if (ended || !next()) {
                return -1;
            }
        }
        int piece = Math.min(length, current.size() - position);
        current.copyTo(buffer, position, offset, piece);
        position += piece;
        digest.update(buffer, offset, piece);
        if (count < HEAD_BYTES) {
            head.write(buffer, offset, (int) Math.min(piece, HEAD_BYTES - count));
        }
        count += piece;
        return piece;
    }

    /** Takes the next message; false at the upload's end. */
    private boolean next() throws IOException {
        Object message;
        try {
            message = messages.take();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upload");
        }
        if (message == END) {
            ended = true;
            return false;
        }
        if (message instanceof Throwable error) {
            ended = true;
            throw new IOException("the upload was cut: " + error.getMessage(), error);
        }
        current = (ByteString) message;
        position = 0;
        request.accept(1);
        return true;
    }
}
