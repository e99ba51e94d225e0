package io.github.raftspringboot.engine.atomix;

import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.protocols.raft.protocol.TransferRequest;
import io.atomix.protocols.raft.protocol.TransferResponse;
import io.atomix.utils.serializer.Namespace;
import io.atomix.utils.serializer.Serializer;

/**
 * The bytes of one peer message: a kind byte (a Raft message of Atomix, or an engine control message), then the
 * payload. Raft messages are serialised with Atomix's protocol serializer.
 */
final class PeerMessageCodec {

    static final byte RAFT_MESSAGE = 0;

    static final byte CONTROL_MESSAGE = 1;

    /** The answer to a one-way Raft message. */
    static final byte[] EMPTY = { RAFT_MESSAGE };

    /** Atomix's protocol namespace lacks the leadership-transfer messages; they are registered after it. */
    private final Serializer serializer = Serializer.using(Namespace.builder()
        .register(RaftNamespaces.RAFT_PROTOCOL)
        .register(TransferRequest.class, TransferResponse.class)
        .build());

    byte[] encode(Object message) {
        return serializer.encode(message);
    }

    <T> T decode(byte[] bytes) {
        return serializer.decode(bytes);
    }

    static boolean isControl(byte[] frame) {
        return frame.length > 0 && frame[0] == CONTROL_MESSAGE;
    }

    static byte[] frame(byte kind, byte[] payload) {
        byte[] framed = new byte[payload.length + 1];
        framed[0] = kind;
        System.arraycopy(payload, 0, framed, 1, payload.length);
        return framed;
    }

    static byte[] unframe(byte[] frame) {
        byte[] payload = new byte[frame.length - 1];
        System.arraycopy(frame, 1, payload, 0, payload.length);
        return payload;
    }
}
