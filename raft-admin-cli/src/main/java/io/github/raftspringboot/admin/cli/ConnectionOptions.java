package io.github.raftspringboot.admin.cli;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.api.RaftPeerAddress;
import io.github.raftspringboot.admin.client.LeaderRouting;
import io.github.raftspringboot.admin.client.MultiAddressNameResolverProvider;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ManagedChannelRegistry.ProviderNotFoundException;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** How to reach the server(s): target syntax, leader routing, TLS and deadline. */
final class ConnectionOptions {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    static final String MULTI_PREFIX = MultiAddressNameResolverProvider.SCHEME + ":///";

    @Option(names = "--leader", scope = ScopeType.INHERIT,
            description = "With a multi:/// target: send the call to the leader, found through the leader health "
                    + "status (gRPC health checking with round_robin).")
    boolean leader;

    @Option(names = { "--health_check_service", "--health-check-service" }, scope = ScopeType.INHERIT,
            paramLabel = "NAME", defaultValue = LeaderRouting.DEFAULT_HEALTH_SERVICE,
            description = "Health service name that is SERVING on the leader only (default: ${DEFAULT-VALUE}).")
    String healthCheckService;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "PT30S",
            converter = DurationConverter.class,
            description = "Deadline of each call, e.g. 10s, 2m, PT30S (default: 30s).")
    Duration timeout;

    @Option(names = "--tls", scope = ScopeType.INHERIT,
            description = "Use TLS (the server has spring.grpc.server.ssl.* set); trusts the JVM's CAs unless "
                    + "--cacert is given.")
    boolean tls;

    @Option(names = "--cacert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM file of the CA certificates that sign the server's certificate (implies --tls).")
    File caCert;

    @Option(names = "--cert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "PEM client certificate for mutual TLS (with --key; implies --tls).")
    File clientCert;

    @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Private key of --cert: an unencrypted PEM file, PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 "
                    + "(BEGIN RSA PRIVATE KEY) or SEC1 (BEGIN EC PRIVATE KEY).")
    File clientKey;

    @Option(names = "--authority", scope = ScopeType.INHERIT, paramLabel = "HOST",
            description = "Host name to verify the server's certificate against, when it differs from the target's.")
    String authority;

    /** The host:port of the last single-server channel opened, to diagnose a failed call; null for multi:///. */
    private RaftPeer singleTarget;

    RaftPeer singleTarget() {
        return singleTarget;
    }

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            defaultValue = "${env:RAFTMANAGER_TOKEN}", showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "Bearer token sent as 'authorization: Bearer TOKEN' (the node's raft.grpc.admin.token); "
                    + "default: the RAFTMANAGER_TOKEN environment variable, which keeps it out of the process list.")
    String token;

    /** Whether calls use TLS: --tls, or any of the TLS files. */
    boolean usesTls() {
        return tls || caCert != null || clientCert != null || clientKey != null;
    }

    /** Whether calls offer a client certificate (mutual TLS). */
    boolean hasClientCertificate() {
        return clientCert != null && clientKey != null;
    }

    boolean isMulti(String target) {
        return target.startsWith(MULTI_PREFIX);
    }

    /** A channel to {@code target}: {@code host:port} or {@code multi:///host1:port1,host2:port2,...}. */
    ManagedChannel open(String target) {
        return open(target, true);
    }

    /**
     * A channel to {@code target} that never sends a call again by itself (gRPC's transparent retry of a call that did
     * not reach the server keeps its messages to replay them): for an upload whose messages share one buffer.
     */
    ManagedChannel openWithoutRetries(String target) {
        return open(target, false);
    }

    private ManagedChannel open(String target, boolean retries) {
        if (isMulti(target)) {
            servers(target);
            return build(target, leader, retries);
        }
        if (leader) {
            throw new IllegalArgumentException("--leader needs a multi:/// target listing every node, e.g. "
                    + "multi:///10.0.0.1:9090,10.0.0.2:9090,10.0.0.3:9090");
        }
        RaftPeer server = RaftPeerAddress.parse(target, "Target");
        singleTarget = server;
        return build("dns:///" + server.address(), false, retries);
    }

    /** The servers of a {@code multi:///} target. */
    List<RaftPeer> servers(String target) {
        return MultiAddressNameResolverProvider.parse(target.substring(MULTI_PREFIX.length() - 1), target);
    }

    /**
     * A channel to one server of a {@code multi:///} target, without routing to the leader: the Await of a Future
     * goes to the server that issued it, even once another node leads.
     */
    ManagedChannel openServer(RaftPeer server) {
        return build("dns:///" + server.address(), false, true);
    }

    private ManagedChannel build(String grpcTarget, boolean routeToLeader, boolean retries) {
        ManagedChannelBuilder<?> builder = newChannelBuilder(grpcTarget);
        if (!retries) {
            builder.disableRetry();
        }
        if (routeToLeader) {
            builder.defaultServiceConfig(LeaderRouting.serviceConfig(healthCheckService));
        }
        if (authority != null) {
            builder.overrideAuthority(authority);
        }
        if (token != null && !token.isBlank()) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token.strip());
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return builder.build();
    }

    private ManagedChannelBuilder<?> newChannelBuilder(String grpcTarget) {
        ChannelCredentials credentials = credentials();
        try {
            return Grpc.newChannelBuilder(grpcTarget, credentials);
        }
        catch (ProviderNotFoundException | IllegalArgumentException ex) {
            if (!usesTls()) {
                throw ex;
            }
            // The TLS files are parsed here: a file that is no PEM certificate or key ends up in these exceptions.
            throw new IllegalArgumentException("Cannot use the TLS files (" + tlsFileProblem(ex) + "): --cacert and "
                    + "--cert take PEM certificates, --key an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)", ex);
        }
    }

    private static String tlsFileProblem(RuntimeException ex) {
        String message = String.valueOf(ex.getMessage());
        if (ex instanceof ProviderNotFoundException) {
            // "<provider class>: <problem>"
            int detail = message.indexOf(": ");
            message = (detail >= 0) ? message.substring(detail + 2) : message;
        }
        return ConnectionFailure.oneLine(message);
    }

    private ChannelCredentials credentials() {
        if (!usesTls()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tlsCredentials = TlsChannelCredentials.newBuilder();
        try {
            if (caCert != null) {
                tlsCredentials.trustManager(caCert);
            }
            if (clientCert != null || clientKey != null) {
                if (clientCert == null || clientKey == null) {
                    throw new IllegalArgumentException("--cert and --key go together: give both for mutual TLS");
                }
                tlsCredentials.keyManager(clientCert, clientKey);
            }
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("Cannot read TLS file: " + ex.getMessage(), ex);
        }
        return tlsCredentials.build();
    }
}
