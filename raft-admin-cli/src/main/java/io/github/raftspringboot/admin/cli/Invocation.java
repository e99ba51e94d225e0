package io.github.raftspringboot.admin.cli;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Message;

import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.admin.proto.Future;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;

/** One RaftAdmin call, and its Await when the method returns a Future; returns the exit status. */
final class Invocation {

    private final Channel channel;

    private final ConnectionOptions connection;

    private final Output output;

    private final PrintWriter err;

    Invocation(Channel channel, ConnectionOptions connection, Output output, PrintWriter err) {
        this.channel = channel;
        this.connection = connection;
        this.output = output;
        this.err = err;
    }

    int call(AdminMethod method, Message request, boolean await) {
        Message response = invoke(method.methodName(), method.grpc(), request);
        if (response instanceof Future future && await) {
            response = invoke("Await", RaftAdminGrpc.getAwaitMethod(), future);
        }
        output.finish();
        if (response instanceof AwaitResponse outcome && !outcome.getError().isEmpty()) {
            err.println("raftmanager: " + method.methodName() + " failed: " + outcome.getError());
            return 1;
        }
        return 0;
    }

    private <Q extends Message, R extends Message> R invoke(String name, MethodDescriptor<Q, R> method, Q request) {
        output.invoking(name, request);
        try {
            R response = ClientCalls.blockingUnaryCall(channel, method, callOptions(), request);
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
