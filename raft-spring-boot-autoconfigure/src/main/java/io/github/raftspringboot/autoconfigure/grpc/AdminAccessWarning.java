package io.github.raftspringboot.autoconfigure.grpc;

import java.net.InetAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The one WARN at start that says how the admin services are reachable when no token protects them and the gRPC
 * server listens on more than loopback: either only from this host (the default), or by anyone
 * ({@code raft.grpc.admin.allow-remote-without-token}). Silent when a token is set or mutual TLS is required.
 */
final class AdminAccessWarning {

    private static final Logger log = LoggerFactory.getLogger(AdminAccessWarning.class);

    private AdminAccessWarning() {
    }

    /** Logs the warning when it applies, and returns its text (or {@code null}) for tests. */
    static String check(RaftAdminGrpcProperties properties, Environment environment) {
        Binder binder = Binder.get(environment);
        if (!properties.getToken().isEmpty() || binder.bind("spring.grpc.server.ssl.client-auth", String.class)
            .map("require"::equalsIgnoreCase)
            .orElse(false)) {
            return null;
        }
        InetAddress address = binder.bind("spring.grpc.server.address", InetAddress.class).orElse(null);
        if (address != null && address.isLoopbackAddress()) {
            return null;
        }
        String where = (address != null) ? address.getHostAddress() : "all interfaces";
        String warning = properties.isAllowRemoteWithoutToken()
                ? "RaftAdmin and RaftBackup on the gRPC server (" + where + ") have no authentication and "
                        + "raft.grpc.admin.allow-remote-without-token=true: anyone who reaches the port can change the "
                        + "cluster's membership and read or replace all its data. Set raft.grpc.admin.token (or "
                        + "spring.grpc.server.ssl.client-auth=require) to protect them."
                : "RaftAdmin and RaftBackup on the gRPC server (" + where + ") answer only callers on this host, "
                        + "because raft.grpc.admin.token is not set: set it to administer the cluster from elsewhere "
                        + "(raftmanager --token), or require client certificates (spring.grpc.server.ssl.client-auth"
                        + "=require).";
        log.warn(warning);
        return warning;
    }
}
