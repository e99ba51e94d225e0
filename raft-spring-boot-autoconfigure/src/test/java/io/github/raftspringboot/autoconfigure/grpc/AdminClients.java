package io.github.raftspringboot.autoconfigure.grpc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.admin.proto.Future;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.autoconfigure.TestCluster;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/** gRPC channels (plaintext unless given credentials) to the gRPC server of each node of a {@link TestCluster}. */
final class AdminClients implements AutoCloseable {

    private final TestCluster cluster;

    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();

    private final ChannelCredentials credentials;

    AdminClients(TestCluster cluster) {
        this(cluster, InsecureChannelCredentials.create());
    }

    /** Channels with these credentials, e.g. {@code TlsChannelCredentials} for a server with TLS. */
    AdminClients(TestCluster cluster, ChannelCredentials credentials) {
        this.cluster = cluster;
        this.credentials = credentials;
    }

    /** The port the node's Spring gRPC server listens on. */
    int grpcPort(String id) {
        return cluster.context(id).getBean(GrpcServerLifecycle.class).getPort();
    }

    String grpcAddress(String id) {
        return "127.0.0.1:" + grpcPort(id);
    }

    ManagedChannel channel(String id) {
        return channels.computeIfAbsent(id,
                key -> Grpc.newChannelBuilder(grpcAddress(key), credentials).build());
    }

    RaftAdminGrpc.RaftAdminBlockingStub admin(String id) {
        return RaftAdminGrpc.newBlockingStub(channel(id)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** Calls Await on the token and returns the outcome. */
    AwaitResponse await(String id, Future future) {
        return admin(id).await(future);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
