package io.github.raftspringboot.autoconfigure.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import io.github.raftspringboot.autoconfigure.grpc.TestCertificates;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.test.FreePorts;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code raft.tls.verify-peer-identity}: a peer whose certificate comes from the cluster's CA but names another host
 * is refused by the node that calls it only when identity checks are on. A real TLS handshake on loopback, with the
 * endpoint identification gRPC sets on its client connections.
 */
class PeerIdentityTest {

    @TempDir
    Path dir;

    @Test
    void aPeerCertificateForAnotherHostIsRefusedOnlyWithIdentityChecks() throws Exception {
        TestCertificates ca = TestCertificates.newCa("Raft peers CA");
        SslBundle caller = bundle(ca, "node1", "127.0.0.1");
        SslBundle elsewhere = bundle(ca, "node2", "10.9.9.9");

        PeerTls checked = new PeerTls(caller.getManagers().getKeyManagerFactory(),
                caller.getManagers().getTrustManagerFactory(), true);
        assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> handshake(checked, elsewhere));
        assertThatCode(() -> handshake(checked, bundle(ca, "node3", "127.0.0.1"))).doesNotThrowAnyException();

        PeerTls chainOnly = new PeerTls(caller.getManagers().getKeyManagerFactory(),
                caller.getManagers().getTrustManagerFactory(), false);
        assertThatCode(() -> handshake(chainOnly, elsewhere)).doesNotThrowAnyException();
    }

    /** A TLS connection from {@code client} (as a node calls a peer at 127.0.0.1) to a server with {@code server}. */
    private static void handshake(PeerTls client, SslBundle server) throws Exception {
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(server.getManagers().getKeyManagers(), server.getManagers().getTrustManagers(), null);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
            .createServerSocket(FreePorts.next(), 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write(1);
                }
                catch (IOException ex) {
                    // The client's refusal shows on the client side.
                }
            });
            SSLContext clientContext = SSLContext.getInstance("TLS");
            clientContext.init(new KeyManager[] { client.keyManager() }, new TrustManager[] { client.trustManager() },
                    null);
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
                .createSocket("127.0.0.1", listener.getLocalPort()); InputStream in = socket.getInputStream()) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                in.read();
            }
            finally {
                accepted.join();
            }
        }
    }

    private SslBundle bundle(TestCertificates ca, String name, String host) throws IOException {
        TestCertificates.IssuedCertificate certificate = ca.issuePeer(name, host);
        return SslBundle.of(new PemSslStoreBundle(
                PemSslStoreDetails.forCertificate(Files.readString(certificate.writeCertificate(dir.resolve(name))))
                    .withPrivateKey(Files.readString(certificate.writePkcs8Key(dir.resolve(name + "-key")))),
                PemSslStoreDetails.forCertificate(Files.readString(ca.writeCertificate(dir.resolve("ca"))))));
    }
}
