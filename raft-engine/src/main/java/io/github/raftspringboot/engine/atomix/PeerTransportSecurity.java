package io.github.raftspringboot.engine.atomix;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.github.raftspringboot.engine.PeerTls;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the peer port is protected: plaintext, or mutual TLS with {@link PeerTls}. With TLS, the listener asks every
 * caller for a certificate; a certificate from another CA fails the handshake (the trust manager refuses it), and a
 * caller without one gets through the handshake but every call is refused here, so it learns nothing and is logged
 * with its address. Each refusal and each failure to reach a peer over TLS is logged once per peer and reason.
 */
final class PeerTransportSecurity {

    private static final Logger logger = LoggerFactory.getLogger(PeerTransportSecurity.class);

    private final PeerTls tls;

    private final SslContext serverContext;

    private final SslContext clientContext;

    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** @param tls the TLS material, or {@code null} for plaintext */
    PeerTransportSecurity(PeerTls tls) {
        this.tls = tls;
        if (tls == null) {
            serverContext = null;
            clientContext = null;
            return;
        }
        try {
            // OPTIONAL, not REQUIRE: a caller without a certificate is then refused (and logged) by the interceptor.
            serverContext = GrpcSslContexts.configure(SslContextBuilder.forServer(tls.keyManager()))
                .trustManager(tls.trustManager())
                .clientAuth(ClientAuth.OPTIONAL)
                .build();
            clientContext = GrpcSslContexts.configure(SslContextBuilder.forClient())
                .keyManager(tls.keyManager())
                .trustManager(tls.trustManager())
                .build();
        }
        catch (SSLException ex) {
            throw new IllegalArgumentException("Cannot set up TLS for the Raft peer port: " + ex.getMessage(), ex);
        }
    }

    boolean usesTls() {
        return tls != null;
    }

    void configure(NettyServerBuilder server) {
        if (tls != null) {
            server.sslContext(serverContext).intercept(new ClientCertificateRequired());
        }
    }

    void configure(NettyChannelBuilder channel) {
        if (tls != null) {
            channel.sslContext(clientContext);
        }
        else {
            channel.usePlaintext();
        }
    }

    /** Logs, once per peer and reason, why a call to a peer failed when TLS is the cause. */
    void callFailed(String memberId, String address, Throwable error) {
        String reason = tlsProblem(error);
        if (reason != null && reported.add(memberId + "|" + address + "|" + reason)) {
            logger.warn("Cannot talk to Raft peer '{}' at {} over TLS: {}", memberId, address, reason);
        }
    }

    private String tlsProblem(Throwable error) {
        for (Throwable cause = error; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
            if (cause instanceof NotSslRecordException) {
                return "it does not speak TLS (set the same TLS bundle on every node)";
            }
            if (cause instanceof CertPathValidatorException) {
                return "its certificate does not chain to our trusted CAs (" + cause.getMessage() + ")";
            }
            if (cause instanceof CertificateException && String.valueOf(cause.getMessage()).startsWith("No ")) {
                return "its certificate does not name the host it was called at (" + cause.getMessage() + ")";
            }
            if (cause instanceof SSLException) {
                return (tls != null) ? "the TLS handshake failed (" + cause.getMessage() + ")"
                        : "it requires TLS (" + cause.getMessage() + ")";
            }
        }
        if (tls == null && Status.fromThrowable(error).getCode() == Status.Code.UNAVAILABLE
                && String.valueOf(Status.fromThrowable(error).getDescription()).contains("Network closed")) {
            return "it closed the connection; it probably requires TLS (set the same TLS bundle on every node)";
        }
        return null;
    }

    /** Refuses every call whose caller presented no certificate (the handshake verified any it presented). */
    private final class ClientCertificateRequired implements ServerInterceptor {

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            if (hasCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))) {
                return next.startCall(call, headers);
            }
            String host = host(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            if (reported.add("no-certificate|" + host)) {
                logger.warn("Refused a Raft peer connection from {}: it presented no client certificate signed by a "
                        + "CA this node trusts (every node needs a certificate from the CA in the peer TLS bundle)",
                        host);
            }
            call.close(Status.UNAUTHENTICATED.withDescription("a client certificate is required"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }

        private static boolean hasCertificate(SSLSession session) {
            if (session == null) {
                return false;
            }
            try {
                return session.getPeerCertificates().length > 0;
            }
            catch (SSLPeerUnverifiedException ex) {
                return false;
            }
        }

        private static String host(SocketAddress address) {
            return (address instanceof InetSocketAddress inet) ? inet.getHostString() : String.valueOf(address);
        }
    }
}
