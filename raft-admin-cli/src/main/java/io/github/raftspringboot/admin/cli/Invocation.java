package io.github.raftspringboot.admin.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Message;

import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.admin.proto.Future;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;

/** One RaftAdmin call, and its Await when the method returns a Future; returns the exit status. */
final class Invocation {

    private final Channel channel;

    private final String target;

    private final ConnectionOptions connection;

    private final Output output;

    private final PrintWriter err;

    Invocation(Channel channel, String target, ConnectionOptions connection, Output output, PrintWriter err) {
        this.channel = channel;
        this.target = target;
        this.connection = connection;
        this.output = output;
        this.err = err;
    }

    int call(AdminMethod method, Message request, boolean await) {
        IssuingServer issuer = new IssuingServer();
        Message response = invoke(ClientInterceptors.intercept(channel, issuer), method.methodName(), method.grpc(),
                request);
        if (response instanceof Future future && await) {
            response = awaitAt(issuer, future);
        }
        output.finish();
        if (response instanceof AwaitResponse outcome && !outcome.getError().isEmpty()) {
            err.println("raftmanager: " + method.methodName() + " failed: " + outcome.getError());
            return 1;
        }
        return 0;
    }

    /** Awaits {@code future} on the server that issued it (of a multi:/// target: that one server, not the leader). */
    private AwaitResponse awaitAt(IssuingServer issuer, Future future) {
        Optional<RaftPeer> server = connection.isMulti(target) ? issuer.among(connection.servers(target))
                : Optional.empty();
        if (server.isEmpty()) {
            return invoke(channel, "Await", RaftAdminGrpc.getAwaitMethod(), future);
        }
        ManagedChannel issuing = connection.openServer(server.get());
        try {
            return invoke(issuing, "Await", RaftAdminGrpc.getAwaitMethod(), future);
        }
        finally {
            issuing.shutdownNow();
        }
    }

    private <Q extends Message, R extends Message> R invoke(Channel on, String name, MethodDescriptor<Q, R> method,
            Q request) {
        output.invoking(name, request);
        try {
            R response = ClientCalls.blockingUnaryCall(on, method, callOptions(), request);
            output.response(name, response);
            return response;
        }
        catch (StatusRuntimeException ex) {
            output.finish();
            throw new CallFailedException(name, ex, connection);
        }
    }

    private CallOptions callOptions() {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(connection.timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        // Through the leader health status, a call waits while there is no leader (an election) instead of failing.
        return connection.leader ? options.withWaitForReady() : options;
    }
}
