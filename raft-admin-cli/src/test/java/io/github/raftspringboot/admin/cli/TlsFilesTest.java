package io.github.raftspringboot.admin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PEM files --cacert, --cert and --key accept, in the forms openssl writes, and the one-line error for a file
 * that is not what its option needs. No server: a usable set of files gets as far as "cannot reach the server".
 */
class TlsFilesTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return RaftManager.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @Test
    void acceptsPkcs8Pkcs1AndSec1Keys() throws Exception {
        KeyPair rsa = keys("RSA");
        KeyPair ec = keys("EC");
        Path rsaCert = write("rsa.pem", new JcaMiscPEMGenerator(selfSigned(rsa, "SHA256withRSA")));
        Path ecCert = write("ec.pem", new JcaMiscPEMGenerator(selfSigned(ec, "SHA256withECDSA")));
        // BEGIN PRIVATE KEY (OpenSSL 3), BEGIN RSA PRIVATE KEY (genrsa -traditional), BEGIN EC PRIVATE KEY (ecparam)
        Path pkcs8 = write("pkcs8.pem", new JcaPKCS8Generator(rsa.getPrivate(), null));
        Path pkcs1 = write("pkcs1.pem", new JcaMiscPEMGenerator(rsa.getPrivate()));
        Path sec1 = write("sec1.pem", sec1(ec));
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");

        for (Path[] pair : new Path[][] { { rsaCert, pkcs8 }, { rsaCert, pkcs1 }, { ecCert, sec1 } }) {
            err.getBuffer().setLength(0);
            // A refused connection fails at once: the deadline is only there for a loaded machine (RaftManagerTest).
            assertThat(run("--timeout", "60s", "--cacert", rsaCert.toString(), "--cert", pair[0].toString(), "--key",
                    pair[1].toString(), "127.0.0.1:1", "state")).as(pair[1] + ": " + err).isEqualTo(1);
            assertThat(err.toString()).as(pair[1].toString()).contains("State failed: cannot reach the server");
        }
    }

    @Test
    void aFileThatIsNotWhatItsOptionNeedsIsAUsageErrorThatSaysSo() throws Exception {
        KeyPair rsa = keys("RSA");
        Path cert = write("cert.pem", new JcaMiscPEMGenerator(selfSigned(rsa, "SHA256withRSA")));
        Path encrypted = write("encrypted.pem", new JcaPKCS8Generator(rsa.getPrivate(),
                new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                    .setPassword("secret".toCharArray())
                    .build()));

        for (Path key : new Path[] { cert, encrypted }) {
            err.getBuffer().setLength(0);
            assertThat(run("--cacert", cert.toString(), "--cert", cert.toString(), "--key", key.toString(),
                    "127.0.0.1:1", "state")).as(key.toString()).isEqualTo(2);
            assertThat(err.toString().lines()).as(key.toString())
                .singleElement()
                .asString()
                .startsWith("raftmanager: Cannot use the TLS files (")
                .contains("--key an unencrypted PEM private key");
        }

        err.getBuffer().setLength(0);
        assertThat(run("--cacert", cert.toString(), "--cert", cert.toString(), "127.0.0.1:1", "state")).isEqualTo(2);
        assertThat(err.toString()).contains("--cert and --key go together");

        err.getBuffer().setLength(0);
        assertThat(run("--cacert", dir.resolve("missing.pem").toString(), "127.0.0.1:1", "state")).isEqualTo(2);
        assertThat(err.toString()).contains("Cannot read TLS file").contains("missing.pem");
    }

    private static KeyPair keys(String algorithm) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        }
        else {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    /** SEC1 as {@code openssl ecparam -genkey} writes it: with the curve and the public key. */
    private static PemObject sec1(KeyPair keys) throws IOException {
        ECPrivateKey key = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS(),
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(),
                SECObjectIdentifiers.secp256r1);
        return new PemObject("EC PRIVATE KEY", key.getEncoded());
    }

    private static Object selfSigned(KeyPair keys, String signatureAlgorithm) throws Exception {
        X500Name name = new X500Name("CN=raft-operator");
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name,
                keys.getPublic())
            .build(new JcaContentSignerBuilder(signatureAlgorithm).build(keys.getPrivate())));
    }

    private Path write(String name, PemObjectGenerator pem) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(pem);
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }
}
