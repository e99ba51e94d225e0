package io.github.raftspringboot.autoconfigure.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.SslBundles;

import io.github.raftspringboot.autoconfigure.TestCluster;
import io.github.raftspringboot.test.RaftTestCluster;
import io.github.raftspringboot.test.RaftTestClusterBuilder;
import io.github.raftspringboot.autoconfigure.grpc.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rotation procedure of docs/security.md on a running 3-node cluster, with bundles that Spring Boot reloads
 * when their files change: trust the new CA everywhere, roll each node's certificate, drop the old CA. Writes go
 * on between the steps; at the end a node with only the new CA joins (new connections both ways).
 */
class PeerTlsRotationTest {

    @TempDir
    Path dir;

    RaftTestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void certificatesAreRotatedWithoutDowntime() throws IOException {
        TestCertificates oldCa = TestCertificates.newCa("Old CA");
        TestCertificates newCa = TestCertificates.newCa("New CA");
        String oldCaPem = Files.readString(oldCa.writeCertificate(dir.resolve("old-ca.pem")));
        String newCaPem = Files.readString(newCa.writeCertificate(dir.resolve("new-ca.pem")));

        RaftTestClusterBuilder builder = RaftTestCluster.builder(TestCluster.NodeApplication.class)
            .nodes(3)
            .stateDirectory(dir.resolve("nodes"))
            .property("spring.ssl.bundle.watch.file.quiet-period", "200ms");
        for (String id : List.of("node1", "node2", "node3")) {
            install(id, oldCa, oldCaPem);
            bundle(id).forEach((name, value) -> builder.nodeProperty(id, name, value));
        }
        cluster = builder.start();
        String leader = cluster.awaitLeader();
        cluster.store(leader).put("step", 0);

        // 1. Trust the new CA everywhere.
        for (String id : cluster.running()) {
            write(dir.resolve(id + "-ca.pem"), oldCaPem + newCaPem);
            await().atMost(Duration.ofSeconds(30)).until(() -> trustedCas(id) == 2);
        }
        cluster.store(cluster.followers().get(0)).put("step", 1);

        // 2. Roll the certificates, node by node.
        for (String id : cluster.running()) {
            install(id, newCa, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> issuer(id).contains("New CA"));
            cluster.store(cluster.awaitLeader()).put("step", 2);
        }

        // 3. Drop the old CA.
        for (String id : cluster.running()) {
            write(dir.resolve(id + "-ca.pem"), newCaPem);
            await().atMost(Duration.ofSeconds(30)).until(() -> trustedCas(id) == 1);
        }
        cluster.store(cluster.followers().get(0)).put("step", 3);

        // A node with only the new CA opens new connections to every node, and they to it.
        String address = cluster.reserve("node4");
        install("node4", newCa, newCaPem);
        Map<String, String> joiner = bundle("node4");
        joiner.put("raft.bootstrap", "false");
        cluster.start("node4", joiner);
        cluster.node(cluster.followers().get(0)).viaLeader().addVoter("node4", address, 0).join();
        await().atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(cluster.store("node4").get("step", Integer.class)).hasValue(3));
        cluster.store("node4").put("step", 4);
        for (String id : cluster.running()) {
            await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(cluster.store(id).get("step", Integer.class)).hasValue(4));
        }
    }

    /** Writes the node's certificate and key from this CA, and its truststore file when given. */
    private void install(String id, TestCertificates ca, String truststorePem) throws IOException {
        TestCertificates.IssuedCertificate certificate = ca.issuePeer(id, "127.0.0.1");
        // Key first: the bundle reloads on the certificate as well, and must never pair a new one with an old key.
        Path key = certificate.writePkcs8Key(dir.resolve(id + "-key.pem.new"));
        Path cert = certificate.writeCertificate(dir.resolve(id + ".pem.new"));
        Files.move(key, dir.resolve(id + "-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert, dir.resolve(id + ".pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (truststorePem != null) {
            write(dir.resolve(id + "-ca.pem"), truststorePem);
        }
    }

    private Map<String, String> bundle(String id) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.ssl.bundle.pem.raft-peer.keystore.certificate", dir.resolve(id + ".pem").toString());
        properties.put("spring.ssl.bundle.pem.raft-peer.keystore.private-key",
                dir.resolve(id + "-key.pem").toString());
        properties.put("spring.ssl.bundle.pem.raft-peer.truststore.certificate",
                dir.resolve(id + "-ca.pem").toString());
        properties.put("spring.ssl.bundle.pem.raft-peer.reload-on-update", "true");
        properties.put("raft.tls.bundle", "raft-peer");
        return properties;
    }

    private int trustedCas(String id) throws KeyStoreException {
        return Collections.list(bundles(id).getBundle("raft-peer").getStores().getTrustStore().aliases()).size();
    }

    private String issuer(String id) throws KeyStoreException {
        var keyStore = bundles(id).getBundle("raft-peer").getStores().getKeyStore();
        String alias = Collections.list(keyStore.aliases()).get(0);
        return ((X509Certificate) keyStore.getCertificate(alias)).getIssuerX500Principal().getName();
    }

    private SslBundles bundles(String id) {
        return cluster.context(id).getBean(SslBundles.class);
    }

    private static void write(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(temporary, text, StandardCharsets.US_ASCII);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
