package io.github.raftspringboot.autoconfigure.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import io.github.raftspringboot.api.RaftPeerAddress;

/** Checks the fields of RaftAdmin requests; a bad field is answered with INVALID_ARGUMENT saying what is wrong. */
final class RaftAdminRequests {

    private RaftAdminRequests() {
    }

    static String serverId(String id) {
        if (id.isEmpty()) {
            throw invalid("id is empty: name the server by its Raft node id (raft.node-id)");
        }
        return checked(() -> RaftPeerAddress.checkNodeId(id, "id"));
    }

    static String address(String address) {
        if (address.isEmpty()) {
            throw invalid("address is empty: give the server's Raft address as host:port");
        }
        checked(() -> RaftPeerAddress.parse(address, "address"));
        return address;
    }

    /** previous_index is a uint64 on the wire; Java sees values above Long.MAX_VALUE as negative. */
    static long previousIndex(long previousIndex) {
        if (previousIndex < 0) {
            throw invalid("previous_index " + Long.toUnsignedString(previousIndex)
                    + " is not a log index: use 0 (no check) or the configuration index from GetConfiguration/Stats");
        }
        return previousIndex;
    }

    static byte[] command(com.google.protobuf.ByteString data) {
        if (data.isEmpty()) {
            throw invalid("data is empty: send a store command as JSON, e.g. {\"op\":\"put\",\"key\":\"a\",\"value\":1}");
        }
        return data.toByteArray();
    }

    static String token(String token) {
        if (token.isEmpty()) {
            throw invalid("operation_token is empty: pass the token a RaftAdmin call returned");
        }
        return token;
    }

    static StatusRuntimeException unknownToken(String token) {
        return Status.NOT_FOUND.withDescription("token \"" + token + "\" unknown").asRuntimeException();
    }

    private static <T> T checked(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        }
        catch (IllegalArgumentException ex) {
            throw invalid(ex.getMessage());
        }
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
