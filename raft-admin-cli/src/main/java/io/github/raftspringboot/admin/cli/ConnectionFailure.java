package io.github.raftspringboot.admin.cli;

import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

import javax.net.ssl.SSLException;

import io.grpc.Status;
import io.netty.handler.ssl.NotSslRecordException;

import io.github.raftspringboot.api.RaftPeer;

/**
 * Why a call could not reach the server (an UNAVAILABLE status), in one line a person can act on: gRPC reports TLS
 * problems as "io exception" or "Network closed for unknown reason", with the real cause only in the exception
 * chain.
 */
final class ConnectionFailure {

    private static final String CLOSED_BY_SERVER = "Network closed for unknown reason";

    /**
     * "HTTP/" in hex at the start of the bytes Netty dumps (": " then the hex) when a reply is not HTTP/2 or not TLS.
     * Only at the start: a plaintext gRPC server answers a TLS hello with an HTTP/2 GOAWAY frame whose debug text
     * ("HTTP/2 client preface string missing ...") has "HTTP/" further in, and that server does not use TLS.
     */
    private static final String HTTP1_HEX = ": 485454502f";

    static final String HTTP1_TARGET = "the target speaks HTTP/1.1, not gRPC: it is a web port (e.g. the "
            + "application's server.port); call the node's gRPC port (spring.grpc.server.port, 9090 by default)";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private ConnectionFailure() {
    }

    /**
     * @param status the UNAVAILABLE status of the call
     * @param tls whether the call used TLS
     * @param clientCertificate whether it offered a client certificate (--cert/--key)
     */
    static String describe(Status status, boolean tls, boolean clientCertificate) {
        return describe(status, tls, clientCertificate, null);
    }

    /**
     * @param target the single host:port called, or {@code null} (multi:/// targets): when the server hung up
     *               without a word, it is asked whether it speaks HTTP/1.1
     */
    static String describe(Status status, boolean tls, boolean clientCertificate, RaftPeer target) {
        Throwable cause = status.getCause();
        Optional<Throwable> unknownHost = find(cause, UnknownHostException.class::isInstance);
        if (unknownHost.isPresent()) {
            return "cannot resolve the host name " + hostOf(unknownHost.get(), target) + ": check the spelling, or "
                    + "give an IP address";
        }
        if (repliedInHttp1(cause)) {
            return HTTP1_TARGET;
        }
        if (find(cause, ex -> ex instanceof CertPathBuilderException || ex instanceof CertPathValidatorException)
            .isPresent()) {
            return "the server's certificate is not trusted (" + rootMessage(cause) + "): give the CA certificate "
                    + "that signed it with --cacert FILE"
                    + "; --tls alone trusts only the JVM's default CAs";
        }
        Optional<Throwable> wrongName = find(cause, ex -> ex instanceof CertificateException
                && ex.getMessage() != null && ex.getMessage().startsWith("No "));
        if (wrongName.isPresent()) {
            return "the server's certificate is not valid for the host called (" + oneLine(wrongName.get().getMessage())
                    + "): call a host name or IP address the certificate lists, or give one with --authority HOST";
        }
        Optional<Throwable> alert = find(cause, ex -> ex instanceof SSLException && ex.getMessage() != null
                && ex.getMessage().contains("fatal alert"));
        if (alert.isPresent() && !clientCertificate) {
            return "the server requires a client certificate (mutual TLS; " + oneLine(alert.get().getMessage())
                    + "): give --cert FILE --key FILE, signed by a CA the server trusts";
        }
        if (alert.isPresent()) {
            return "the server rejected the TLS handshake (" + oneLine(alert.get().getMessage()) + "): is the --cert "
                    + "certificate signed by a CA in the server's SSL bundle truststore?";
        }
        if (find(cause, NotSslRecordException.class::isInstance).isPresent()) {
            return "the server does not use TLS: call it without --tls, --cacert, --cert and --key";
        }
        Optional<Throwable> ssl = find(cause, SSLException.class::isInstance);
        if (ssl.isPresent()) {
            return "the TLS handshake failed (" + rootMessage(ssl.get()) + ")";
        }
        String description = oneLine(String.valueOf(status.getDescription()));
        if (!tls && description.startsWith(CLOSED_BY_SERVER) && target != null
                && Http1Probe.speaksHttp1(target, PROBE_TIMEOUT)) {
            return HTTP1_TARGET;
        }
        if (!tls && description.startsWith(CLOSED_BY_SERVER)) {
            return "the server closed the connection; it probably requires TLS (spring.grpc.server.ssl.*): call it "
                    + "with --cacert FILE (the CA that signed its certificate), or --tls if the JVM's CAs trust it";
        }
        String detail = (cause != null && cause.getMessage() != null)
                ? description + ": " + rootMessage(cause) : description;
        return "cannot reach the server (" + detail + ")";
    }

    /** Whether the server answered gRPC's HTTP/2 preface with an HTTP/1.x reply (Netty names its first bytes). */
    static boolean repliedInHttp1(Status status) {
        return repliedInHttp1(status.getCause());
    }

    private static boolean repliedInHttp1(Throwable cause) {
        return find(cause, ex -> ex.getMessage() != null
                && ex.getMessage().toLowerCase(java.util.Locale.ROOT).contains(HTTP1_HEX)).isPresent();
    }

    private static String hostOf(Throwable unknownHost, RaftPeer target) {
        if (target != null) {
            return "'" + target.host() + "'";
        }
        String message = String.valueOf(unknownHost.getMessage());
        int colon = message.indexOf(':');
        return "'" + ((colon > 0) ? message.substring(0, colon) : message) + "'";
    }

    private static Optional<Throwable> find(Throwable start, Predicate<Throwable> match) {
        for (Throwable ex = start; ex != null; ex = (ex.getCause() == ex) ? null : ex.getCause()) {
            if (match.test(ex)) {
                return Optional.of(ex);
            }
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable ex) {
        String message = ex.getMessage();
        for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return oneLine(String.valueOf(message));
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
