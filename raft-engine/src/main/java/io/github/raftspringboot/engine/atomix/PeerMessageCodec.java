package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.protocols.raft.protocol.TransferRequest;
import io.atomix.protocols.raft.protocol.TransferResponse;
import io.atomix.utils.serializer.Namespace;
import io.atomix.utils.serializer.Serializer;

import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;

/**
 * The bytes of one peer message: a kind byte (a Raft message of Atomix, an engine control message, or a leader's
 * beat), then the payload. Raft messages are serialised with Atomix's protocol serializer, control messages are the protobuf
 * messages of {@code raft_peer.proto}.
 */
final class PeerMessageCodec {

    static final byte RAFT_MESSAGE = 0;

    static final byte CONTROL_MESSAGE = 1;

    /** A leader's beat ({@link LeaderBeats}): the kind byte, then the leader's term. */
    static final byte BEAT_MESSAGE = 2;

    /** The answer to a one-way Raft message. */
    static final byte[] EMPTY = { RAFT_MESSAGE };

    /** Atomix's protocol namespace lacks the leadership-transfer messages; they are registered after it. */
    private final Namespace namespace = Namespace.builder()
        .register(RaftNamespaces.RAFT_PROTOCOL)
        .register(TransferRequest.class, TransferResponse.class)
        .build();

    private final Serializer serializer = Serializer.using(namespace);

    byte[] encode(Object message) {
        return serializer.encode(message);
    }

    <T> T decode(byte[] bytes) {
        return serializer.decode(bytes);
    }

    /**
     * The Raft message of the frame that starts at {@code offset} in {@code message} (its kind byte), read where it
     * lies: a received message is not copied twice more (without its stream id, then without its kind byte) before it
     * is read, which for a snapshot's 256 KB chunks was a tenth of a receiving follower's gRPC thread.
     */
    <T> T decodeFrame(byte[] message, int offset) {
        int payload = offset + 1;
        return namespace.deserialize(ByteBuffer.wrap(message, payload, message.length - payload));
    }

    static byte[] control(ControlRequest request) {
        return frame(CONTROL_MESSAGE, request);
    }

    static byte[] control(ControlReply reply) {
        return frame(CONTROL_MESSAGE, reply);
    }

    /** The message serialized straight into its frame: a restore's 256 KB pieces are not copied once more. */
    private static byte[] frame(byte kind, MessageLite message) {
        byte[] framed = new byte[1 + message.getSerializedSize()];
        framed[0] = kind;
        CodedOutputStream out = CodedOutputStream.newInstance(framed, 1, framed.length - 1);
        try {
            message.writeTo(out);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not serialize a control message into its frame", ex);
        }
        out.checkNoSpaceLeft();
        return framed;
    }

    static ControlReply controlReply(byte[] frame) {
        return parse(ControlReply.parser(), frame);
    }

    private static <T> T parse(Parser<T> parser, byte[] frame) {
        return parse(parser, frame, 0);
    }

    /** The protobuf payload of the frame that starts at {@code offset} in {@code message}, read where it lies. */
    private static <T> T parse(Parser<T> parser, byte[] message, int offset) {
        try {
            return parser.parseFrom(message, offset + 1, message.length - offset - 1);
        }
        catch (InvalidProtocolBufferException ex) {
            throw new IllegalArgumentException("Malformed control message between Raft nodes (do all nodes run the "
                    + "same version?): " + ex.getMessage(), ex);
        }
    }

    static byte[] beat(long term) {
        return frame(BEAT_MESSAGE, ByteBuffer.allocate(Long.BYTES).putLong(term).array());
    }

    /** Whether the frame that starts at {@code offset} in {@code message} is a beat. */
    static boolean isBeat(byte[] message, int offset) {
        return message.length - offset == 1 + Long.BYTES && message[offset] == BEAT_MESSAGE;
    }

    static long beatTerm(byte[] message, int offset) {
        return ByteBuffer.wrap(message, offset + 1, Long.BYTES).getLong();
    }

    static boolean isControl(byte[] message, int offset) {
        return message.length > offset && message[offset] == CONTROL_MESSAGE;
    }

    /** The control request of the frame that starts at {@code offset} in {@code message}. */
    static ControlRequest controlRequest(byte[] message, int offset) {
        return parse(ControlRequest.parser(), message, offset);
    }

    static byte[] frame(byte kind, byte[] payload) {
        byte[] framed = new byte[payload.length + 1];
        framed[0] = kind;
        System.arraycopy(payload, 0, framed, 1, payload.length);
        return framed;
    }
}
