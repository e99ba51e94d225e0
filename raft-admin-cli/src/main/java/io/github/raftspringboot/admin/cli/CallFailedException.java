package io.github.raftspringboot.admin.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A RaftAdmin (or RaftBackup) call that ended with a gRPC error, with the method it was. */
final class CallFailedException extends RuntimeException {

    private final String service;

    private final String method;

    private final Status status;

    private final ConnectionOptions connection;

    CallFailedException(String method, StatusRuntimeException cause, ConnectionOptions connection) {
        this("RaftAdmin", method, cause, connection);
    }

    CallFailedException(String service, String method, StatusRuntimeException cause, ConnectionOptions connection) {
        super(method + ": " + cause.getStatus(), cause);
        this.service = service;
        this.method = method;
        this.status = cause.getStatus();
        this.connection = connection;
    }

    /** One line for a person: which call failed, and why. */
    String describe() {
        String description = (status.getDescription() != null) ? status.getDescription() : "";
        String reason = switch (status.getCode()) {
            case UNAVAILABLE -> ConnectionFailure.describe(status, connection.usesTls(),
                    connection.hasClientCertificate(), connection.singleTarget());
            case INTERNAL -> ConnectionFailure.repliedInHttp1(status) ? ConnectionFailure.HTTP1_TARGET
                    : status.getCode() + ": " + ConnectionFailure.oneLine(description);
            case DEADLINE_EXCEEDED -> "no answer within the deadline (--timeout); with --leader: no node reported "
                    + "itself leader, or none could be reached (call one node without --leader to see why)";
            case UNAUTHENTICATED -> "the node wants a bearer token (" + ConnectionFailure.oneLine(description)
                    + "): give --token TOKEN or set RAFTMANAGER_TOKEN to one of the node's raft.grpc.admin.token";
            case PERMISSION_DENIED -> "refused (" + ConnectionFailure.oneLine(description) + "): "
                    + (connection.token != null && !connection.token.isBlank()
                            ? "is --token (or RAFTMANAGER_TOKEN) one of the node's raft.grpc.admin.token?"
                            : "give --token TOKEN or set RAFTMANAGER_TOKEN (the node's raft.grpc.admin.token)");
            case UNIMPLEMENTED -> "the server has no " + service + " service (raft.grpc.admin.enabled=false?"
                    + (service.equals("RaftAdmin") ? ")" : " or not a raft-spring-boot node)");
            default -> status.getCode() + ": " + ConnectionFailure.oneLine(description);
        };
        return method + " failed: " + reason;
    }
}
