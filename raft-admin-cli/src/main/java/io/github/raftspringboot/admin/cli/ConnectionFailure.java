package io.github.raftspringboot.admin.cli;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import java.util.function.Predicate;

import javax.net.ssl.SSLException;

import io.grpc.Status;
import io.netty.handler.ssl.NotSslRecordException;

/**
 * Why a call could not reach the server (an UNAVAILABLE status), in one line a person can act on: gRPC reports TLS
 * problems as "io exception" or "Network closed for unknown reason", with the real cause only in the exception
 * chain.
 */
final class ConnectionFailure {

    private static final String CLOSED_BY_SERVER = "Network closed for unknown reason";

    private ConnectionFailure() {
    }

    /**
     * @param status the UNAVAILABLE status of the call
     * @param tls whether the call used TLS
     * @param clientCertificate whether it offered a client certificate (--cert/--key)
     */
    static String describe(Status status, boolean tls, boolean clientCertificate) {
        Throwable cause = status.getCause();
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
        if (!tls && description.startsWith(CLOSED_BY_SERVER)) {
            return "the server closed the connection; it probably requires TLS (spring.grpc.server.ssl.*): call it "
                    + "with --cacert FILE (the CA that signed its certificate), or --tls if the JVM's CAs trust it";
        }
        String detail = (cause != null && cause.getMessage() != null)
                ? description + ": " + rootMessage(cause) : description;
        return "cannot reach the server (" + detail + ")";
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
