package io.github.raftspringboot.autoconfigure.grpc;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * A CA and certificates it signs, made at test time and written as PEM files (as {@code openssl} writes them), so
 * no key is checked in.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final X500Name name;

    private final KeyPair keys;

    private final X509Certificate certificate;

    private TestCertificates(X500Name name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A self-signed CA that may sign certificates. */
    public static TestCertificates newCa(String commonName) {
        X500Name name = new X500Name("CN=" + commonName);
        KeyPair keys = rsaKeys();
        try {
            X509v3CertificateBuilder builder = builder(name, name, keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestCertificates(name, keys, sign(builder, keys.getPrivate()));
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A server certificate for these host names and IP addresses, signed by this CA. */
    public IssuedCertificate issueServer(String commonName, String... hosts) {
        return issue(commonName, KeyPurposeId.id_kp_serverAuth, subjectAlternativeNames(hosts));
    }

    /** A client certificate for mutual TLS, signed by this CA. */
    public IssuedCertificate issueClient(String commonName) {
        return issue(commonName, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** Writes the CA certificate as PEM. */
    public Path writeCertificate(Path file) {
        return write(file, pem(certificate));
    }

    /** A Raft peer's certificate: it serves and calls, so it is for both server and client authentication. */
    public IssuedCertificate issuePeer(String commonName, String... hosts) {
        return issue(commonName, new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth },
                subjectAlternativeNames(hosts));
    }

    private static GeneralNames subjectAlternativeNames(String... hosts) {
        GeneralName[] names = new GeneralName[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            boolean ip = hosts[i].matches("[0-9.]+|.*:.*");
            names[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, hosts[i]);
        }
        return new GeneralNames(names);
    }

    private IssuedCertificate issue(String commonName, KeyPurposeId purpose, GeneralNames subjectAlternativeNames) {
        return issue(commonName, new KeyPurposeId[] { purpose }, subjectAlternativeNames);
    }

    private IssuedCertificate issue(String commonName, KeyPurposeId[] purposes,
            GeneralNames subjectAlternativeNames) {
        KeyPair subjectKeys = rsaKeys();
        try {
            X509v3CertificateBuilder builder = builder(name, new X500Name("CN=" + commonName), subjectKeys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            if (subjectAlternativeNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames);
            }
            return new IssuedCertificate(sign(builder, keys.getPrivate()), subjectKeys.getPrivate());
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        }
        catch (OperatorCreationException | GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Path write(Path file, PemObjectGenerator pem) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(pem);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        try {
            return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot write " + file, ex);
        }
    }

    private static PemObjectGenerator pem(Object object) {
        try {
            return new JcaMiscPEMGenerator(object);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A certificate and its private key. */
    public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {

        public Path writeCertificate(Path file) {
            return write(file, pem(certificate));
        }

        /** {@code -----BEGIN PRIVATE KEY-----}: PKCS#8, what OpenSSL 3's {@code genrsa} and {@code req} write. */
        public Path writePkcs8Key(Path file) {
            try {
                return write(file, new JcaPKCS8Generator(key, null));
            }
            catch (PemGenerationException ex) {
                throw new IllegalStateException(ex);
            }
        }

        /** {@code -----BEGIN RSA PRIVATE KEY-----}: PKCS#1, what {@code openssl genrsa -traditional} writes. */
        public Path writePkcs1Key(Path file) {
            return write(file, pem(key));
        }
    }
}
