package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;

/**
 * The transport Atomix's server sends with, with its append requests to followers going through a handler of ours
 * (every other message goes through as it is). Used by the leader's own bookkeeping: acknowledgements, the log sync,
 * snapshot installs.
 */
final class AppendInterception {

    /** Sends {@code request} to {@code member}, through {@code protocol}, doing what it must around it. */
    @FunctionalInterface
    interface AppendHandler {

        CompletableFuture<AppendResponse> append(RaftServerProtocol protocol, MemberId member, AppendRequest request);
    }

    private AppendInterception() {
    }

    static RaftServerProtocol wrap(RaftServerProtocol protocol, AppendHandler handler) {
        return (RaftServerProtocol) Proxy.newProxyInstance(RaftServerProtocol.class.getClassLoader(),
                new Class<?>[] { RaftServerProtocol.class }, (proxy, method, arguments) -> {
                    if (method.getName().equals("append") && arguments != null && arguments.length == 2
                            && arguments[1] instanceof AppendRequest request) {
                        return handler.append(protocol, (MemberId) arguments[0], request);
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
