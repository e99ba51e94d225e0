package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.atomix.protocols.raft.protocol.InstallResponse;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;

/**
 * The transport Atomix's server sends with, with its append (or install) requests to followers going through a
 * handler of ours (every other message goes through as it is). Used by the leader's own bookkeeping:
 * acknowledgements, the log sync, snapshot installs and their push.
 */
final class AppendInterception {

    /** Sends {@code request} to {@code member}, through {@code protocol}, doing what it must around it. */
    @FunctionalInterface
    interface AppendHandler {

        CompletableFuture<AppendResponse> append(RaftServerProtocol protocol, MemberId member, AppendRequest request);
    }

    /** Sends a chunk of a snapshot to {@code member}, through {@code protocol}, or does it its own way. */
    @FunctionalInterface
    interface InstallHandler {

        CompletableFuture<InstallResponse> install(RaftServerProtocol protocol, MemberId member,
                InstallRequest request);
    }

    private AppendInterception() {
    }

    static RaftServerProtocol wrap(RaftServerProtocol protocol, AppendHandler handler) {
        return intercept(protocol, "append", AppendRequest.class,
                (member, request) -> handler.append(protocol, member, (AppendRequest) request));
    }

    static RaftServerProtocol wrapInstalls(RaftServerProtocol protocol, InstallHandler handler) {
        return intercept(protocol, "install", InstallRequest.class,
                (member, request) -> handler.install(protocol, member, (InstallRequest) request));
    }

    private interface Interceptor {

        CompletableFuture<?> send(MemberId member, Object request);
    }

    private static RaftServerProtocol intercept(RaftServerProtocol protocol, String methodName, Class<?> requestType,
            Interceptor interceptor) {
        return (RaftServerProtocol) Proxy.newProxyInstance(RaftServerProtocol.class.getClassLoader(),
                new Class<?>[] { RaftServerProtocol.class }, (proxy, method, arguments) -> {
                    if (method.getName().equals(methodName) && arguments != null && arguments.length == 2
                            && requestType.isInstance(arguments[1])) {
                        return interceptor.send((MemberId) arguments[0], arguments[1]);
                    }
                    try {
                        return method.invoke(protocol, arguments);
                    }
                    catch (InvocationTargetException ex) {
                        throw ex.getCause();
                    }
                });
    }
}
