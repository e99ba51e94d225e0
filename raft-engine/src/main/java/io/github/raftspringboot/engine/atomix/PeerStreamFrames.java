package io.github.raftspringboot.engine.atomix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The messages of a peer stream ({@link PeerStream}): the request's correlation id (8 bytes), then the frame of
 * {@link PeerMessageCodec} (kind byte, payload). A reply carries its request's id, then the reply frame, or a
 * failure frame: the handler failed on the peer (as an {@code UNAVAILABLE} answer of the unary method).
 */
final class PeerStreamFrames {

    /** The size of the correlation id in front of each frame. */
    static final int ID_BYTES = Long.BYTES;

    /** A reply frame saying that the peer could not handle the request; the payload is the reason in UTF-8. */
    static final byte FAILURE = 3;

    private PeerStreamFrames() {
    }

    static byte[] withId(long id, byte[] frame) {
        byte[] message = new byte[ID_BYTES + frame.length];
        ByteBuffer.wrap(message).putLong(id);
        System.arraycopy(frame, 0, message, ID_BYTES, frame.length);
        return message;
    }

    static long id(byte[] message) {
        if (message.length <= ID_BYTES) {
            throw new IllegalArgumentException("Malformed peer stream message of " + message.length
                    + " bytes (do all nodes run the same version?)");
        }
        return ByteBuffer.wrap(message).getLong();
    }

    static byte[] frame(byte[] message) {
        byte[] frame = new byte[message.length - ID_BYTES];
        System.arraycopy(message, ID_BYTES, frame, 0, frame.length);
        return frame;
    }

    static byte[] failure(long id, String reason) {
        return withId(id, PeerMessageCodec.frame(FAILURE, String.valueOf(reason).getBytes(StandardCharsets.UTF_8)));
    }

    static boolean isFailure(byte[] message) {
        return message.length > ID_BYTES && message[ID_BYTES] == FAILURE;
    }

    static String failureReason(byte[] message) {
        return new String(message, ID_BYTES + 1, message.length - ID_BYTES - 1, StandardCharsets.UTF_8);
    }
}
