package io.github.raftspringboot.admin.cli;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import io.github.raftspringboot.api.RaftPeer;

/**
 * Notes which server answered a call, so that the Await of a Future goes to the server that issued it: an operation
 * token is known only there, and through {@code --leader} the next call may reach another node (after a leadership
 * transfer, the new leader, which answers NOT_FOUND).
 */
final class IssuingServer implements ClientInterceptor {

    private final AtomicReference<SocketAddress> answered = new AtomicReference<>();

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onHeaders(Metadata responseHeaders) {
                        answered.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                        super.onHeaders(responseHeaders);
                    }
                }, headers);
            }
        };
    }

    /** The server of {@code servers} that answered the last call, if it is one of them. */
    Optional<RaftPeer> among(List<RaftPeer> servers) {
        if (!(answered.get() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
            return Optional.empty();
        }
        return servers.stream().filter(server -> isAt(server, remote)).findFirst();
    }

    private static boolean isAt(RaftPeer server, InetSocketAddress remote) {
        if (server.port() != remote.getPort()) {
            return false;
        }
        InetSocketAddress resolved = new InetSocketAddress(server.host(), server.port());
        return !resolved.isUnresolved() && resolved.getAddress().equals(remote.getAddress());
    }
}
