package io.github.raftspringboot.autoconfigure.grpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.backup.proto.RaftBackupGrpc;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Lets a RaftAdmin or RaftBackup call through only when its caller is an administrator: it carries one of the
 * configured tokens as {@code authorization: Bearer <token>}, or presented a client certificate that mutual TLS
 * verified, or (no token configured) it calls from this host. Other services (health, reflection, the
 * application's own) pass untouched. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so
 * the time taken tells nothing about a configured token.
 */
final class AdminCallAuthenticator implements ServerInterceptor, Ordered {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private static final Set<String> ADMIN_SERVICES = Set.of(RaftAdminGrpc.SERVICE_NAME,
            RaftBackupGrpc.SERVICE_NAME);

    private static final String BEARER = "bearer ";

    private static final Logger log = LoggerFactory.getLogger(AdminCallAuthenticator.class);

    private final List<byte[]> tokenDigests;

    private final boolean allowRemoteWithoutToken;

    /**
     * @param tokens                  the accepted bearer tokens; none: only loopback callers (or client
     *                                certificates) are let through
     * @param allowRemoteWithoutToken with no tokens, let callers on other hosts through as well
     */
    AdminCallAuthenticator(List<String> tokens, boolean allowRemoteWithoutToken) {
        this.tokenDigests = tokens.stream().map(AdminCallAuthenticator::digest).toList();
        this.allowRemoteWithoutToken = allowRemoteWithoutToken;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!ADMIN_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        Status refusal = refusal(call, headers.get(AUTHORIZATION));
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        log.debug("Refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(), remoteAddress(call),
                refusal.getDescription());
        call.close(refusal, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    /** Why the call may not go on, or {@code null} when it may. */
    private Status refusal(ServerCall<?, ?> call, String authorization) {
        if (hasVerifiedClientCertificate(call)) {
            return null;
        }
        if (tokenDigests.isEmpty()) {
            if (allowRemoteWithoutToken || isLoopback(remoteAddress(call))) {
                return null;
            }
            return Status.PERMISSION_DENIED.withDescription("RaftAdmin and RaftBackup answer only callers on the "
                    + "node's own host while raft.grpc.admin.token is not set: set it on the nodes and call with "
                    + "'authorization: Bearer <token>' (raftmanager --token or RAFTMANAGER_TOKEN), or use mutual TLS");
        }
        if (authorization == null) {
            return Status.UNAUTHENTICATED.withDescription("RaftAdmin and RaftBackup calls need the metadata "
                    + "'authorization: Bearer <token>' with a token of raft.grpc.admin.token (raftmanager --token or "
                    + "RAFTMANAGER_TOKEN), or a client certificate over mutual TLS");
        }
        if (authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Status.UNAUTHENTICATED.withDescription("the authorization metadata is not 'Bearer <token>'");
        }
        byte[] presented = digest(authorization.substring(BEARER.length()).strip());
        boolean matches = false;
        for (byte[] accepted : tokenDigests) {
            // No early exit: every configured token is compared, whichever matches.
            matches |= MessageDigest.isEqual(presented, accepted);
        }
        return matches ? null
                : Status.PERMISSION_DENIED.withDescription("the bearer token is not one of raft.grpc.admin.token");
    }

    private static boolean hasVerifiedClientCertificate(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return false;
        }
        try {
            // Present only when the server asked for one and its trust material verified it in the handshake.
            return session.getPeerCertificates().length > 0;
        }
        catch (SSLPeerUnverifiedException ex) {
            return false;
        }
    }

    private static SocketAddress remoteAddress(ServerCall<?, ?> call) {
        return call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    }

    /** Loopback, or not a network address at all (an in-process call from this JVM). */
    private static boolean isLoopback(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
        }
        return address != null;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JVM", ex);
        }
    }

    @Override
    public int getOrder() {
        // Before any other interceptor, so nothing runs for a refused call.
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
