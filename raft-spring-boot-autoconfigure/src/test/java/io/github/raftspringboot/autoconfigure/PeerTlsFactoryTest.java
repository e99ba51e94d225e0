package io.github.raftspringboot.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.X509KeyManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import io.github.raftspringboot.autoconfigure.grpc.TestCertificates;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.RaftNodeSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code raft.tls.*} into the engine's PeerTls: bundle checks, reload, and the plaintext warning. */
class PeerTlsFactoryTest {

    @TempDir
    Path dir;

    @Test
    void noBundleNameMeansPlaintext() {
        assertThat(PeerTlsFactory.create(new RaftTlsProperties(), new DefaultSslBundleRegistry())).isNull();
    }

    @Test
    void anUnknownBundleOrOneWithoutKeyOrTrustFailsNamingTheProperty() throws IOException {
        RaftTlsProperties properties = new RaftTlsProperties();
        properties.setBundle("raft-peer");
        assertThatExceptionOfType(InvalidRaftPropertyException.class)
            .isThrownBy(() -> PeerTlsFactory.create(properties, new DefaultSslBundleRegistry()))
            .satisfies(ex -> assertThat(ex.property()).isEqualTo("raft.tls.bundle"))
            .satisfies(ex -> assertThat(ex.action()).contains("spring.ssl.bundle.pem.raft-peer"));

        TestCertificates ca = TestCertificates.newCa("CA");
        String caPem = Files.readString(ca.writeCertificate(dir.resolve("ca.pem")));
        SslBundle trustOnly = SslBundle.of(new PemSslStoreBundle(null, PemSslStoreDetails.forCertificate(caPem)));
        assertThatExceptionOfType(InvalidRaftPropertyException.class)
            .isThrownBy(() -> PeerTlsFactory.create(properties, new DefaultSslBundleRegistry("raft-peer", trustOnly)))
            .withMessageContaining("keystore");
    }

    @Test
    void aReloadedBundleIsUsedForNewHandshakes() throws IOException {
        TestCertificates ca = TestCertificates.newCa("CA");
        DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry("raft-peer", bundle(ca, "first"));
        RaftTlsProperties properties = new RaftTlsProperties();
        properties.setBundle("raft-peer");
        PeerTls tls = PeerTlsFactory.create(properties, bundles);
        assertThat(subjectOf(tls)).contains("CN=first");

        bundles.updateBundle("raft-peer", bundle(ca, "second"));

        assertThat(subjectOf(tls)).contains("CN=second");
    }

    @Test
    void aPlaintextPeerPortBeyondLoopbackIsWarnedAboutOnce() {
        assertThat(PeerTlsFactory.warnIfExposed(settings("0.0.0.0"), null)).contains("raft.tls.bundle")
            .contains("0.0.0.0:12000");
        assertThat(PeerTlsFactory.warnIfExposed(settings("127.0.0.1"), null)).isNull();
    }

    private SslBundle bundle(TestCertificates ca, String name) throws IOException {
        TestCertificates.IssuedCertificate certificate = ca.issuePeer(name, "127.0.0.1");
        String certificatePem = Files.readString(certificate.writeCertificate(dir.resolve(name + ".pem")));
        String keyPem = Files.readString(certificate.writePkcs8Key(dir.resolve(name + "-key.pem")));
        String caPem = Files.readString(ca.writeCertificate(dir.resolve("ca.pem")));
        return SslBundle.of(new PemSslStoreBundle(PemSslStoreDetails.forCertificate(certificatePem)
            .withPrivateKey(keyPem), PemSslStoreDetails.forCertificate(caPem)));
    }

    private static String subjectOf(PeerTls tls) {
        X509KeyManager keys = (X509KeyManager) tls.keyManager();
        String alias = keys.getServerAliases("RSA", null)[0];
        X509Certificate certificate = keys.getCertificateChain(alias)[0];
        return certificate.getSubjectX500Principal().getName();
    }

    private static RaftNodeSettings settings(String bindHost) {
        return new RaftNodeSettings("node1", null, bindHost, 12000, "127.0.0.1", 12000, List.of(), true,
                Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(10), 32 * 1024 * 1024, 4 * 1024 * 1024, true);
    }
}
