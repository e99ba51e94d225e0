package io.github.raftspringboot.autoconfigure.grpc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.github.raftspringboot.admin.proto.StatsRequest;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.autoconfigure.TestCluster;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The RaftAdmin gRPC service over TLS from a PEM SSL bundle, as docs/grpc-admin.md sets it up: a 3-node cluster with
 * server TLS, a 1-node cluster that requires client certificates; reached by the raftmanager CLI (a process) and by
 * an ordinary grpc-java client. Certificates are made at test time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RaftAdminTlsIntegrationTest {

    Path caCert;

    Path otherCaCert;

    Path clientCert;

    Path clientKeyPkcs8;

    Path clientKeyPkcs1;

    TestCluster cluster;

    AdminClients clients;

    TestCluster mutualCluster;

    AdminClients mutualClients;

    @BeforeAll
    void startClusters(@TempDir Path dir) {
        TestCertificates ca = TestCertificates.newCa("Raft test CA");
        caCert = ca.writeCertificate(dir.resolve("ca.pem"));
        otherCaCert = TestCertificates.newCa("Some other CA").writeCertificate(dir.resolve("other-ca.pem"));
        TestCertificates.IssuedCertificate server = ca.issueServer("raft-node");
        Path serverCert = server.writeCertificate(dir.resolve("server.pem"));
        Path serverKey = server.writePkcs8Key(dir.resolve("server-key.pem"));
        TestCertificates.IssuedCertificate client = ca.issueClient("raft-operator");
        clientCert = client.writeCertificate(dir.resolve("client.pem"));
        clientKeyPkcs8 = client.writePkcs8Key(dir.resolve("client-key.pem"));
        clientKeyPkcs1 = client.writePkcs1Key(dir.resolve("client-key-rsa.pem"));

        // The application.properties lines of docs/grpc-admin.md#tls.
        Map<String, String> tls = new LinkedHashMap<>();
        tls.put("spring.ssl.bundle.pem.raft-admin.keystore.certificate", serverCert.toString());
        tls.put("spring.ssl.bundle.pem.raft-admin.keystore.private-key", serverKey.toString());
        tls.put("spring.ssl.bundle.pem.raft-admin.truststore.certificate", caCert.toString());
        tls.put("spring.grpc.server.ssl.bundle", "raft-admin");
        cluster = TestCluster.start(3, dir.resolve("tls"), tls);
        clients = new AdminClients(cluster, credentials(caCert, null, null));

        Map<String, String> mutual = new LinkedHashMap<>(tls);
        mutual.put("spring.grpc.server.ssl.client-auth", "require");
        mutualCluster = TestCluster.start(1, dir.resolve("mtls"), mutual, "secure");
        mutualClients = new AdminClients(mutualCluster, credentials(caCert, clientCert, clientKeyPkcs8));
        cluster.awaitLeader();
        mutualCluster.awaitLeader();
    }

    @AfterAll
    void stopClusters() {
        for (AutoCloseable closeable : new AutoCloseable[] { clients, cluster, mutualClients, mutualCluster }) {
            if (closeable != null) {
                try {
                    closeable.close();
                }
                catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
    }

    @Test
    void cliWithTheCaCertificateGetsAnswersFromEachNodeAndFromTheLeader() {
        String leader = cluster.awaitLeader();
        // localhost:port: the certificate's DNS name is checked too.
        RaftManagerProcess.Result byName = RaftManagerProcess.run("--cacert", caCert.toString(),
                "localhost:" + clients.grpcPort(leader), "state");
        assertThat(byName.exitCode()).as(byName.err()).isZero();
        assertThat(byName.lines()).containsExactly("Invoking State()", "Response: state: LEADER");

        RaftManagerProcess.Result leaderCall = RaftManagerProcess.run("--cacert", caCert.toString(), "--leader",
                multiTarget(), "leader");
        assertThat(leaderCall.exitCode()).as(leaderCall.err()).isZero();
        assertThat(leaderCall.lines()).containsExactly("Invoking Leader()",
                "Response: address: \"" + cluster.node(leader).status().address() + "\"");

        RaftManagerProcess.Result configuration = RaftManagerProcess.run("--tls", "--cacert", caCert.toString(),
                "--leader", multiTarget(), "get_configuration");
        assertThat(configuration.exitCode()).as(configuration.err()).isZero();
        for (String id : cluster.ids()) {
            assertThat(configuration.out()).contains("id: \"" + id + "\"");
        }

        RaftManagerProcess.Result status = RaftManagerProcess.run("--cacert", caCert.toString(), multiTarget(),
                "status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).containsOnlyOnce("| Leader ").doesNotContain("ERROR");
    }

    @Test
    void cliWithoutTlsIsToldTheServerNeedsTls() {
        RaftManagerProcess.Result result = RaftManagerProcess.run("--timeout", "10s",
                clients.grpcAddress(cluster.awaitLeader()), "state");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().lines()).singleElement()
            .asString()
            .startsWith("raftmanager: State failed: ")
            .contains("TLS")
            .contains("--cacert");
    }

    @Test
    void cliWithACaThatDidNotSignTheServerCertificateIsToldItIsNotTrusted() {
        String node = cluster.awaitLeader();
        RaftManagerProcess.Result otherCa = RaftManagerProcess.run("--timeout", "10s", "--cacert",
                otherCaCert.toString(), clients.grpcAddress(node), "state");
        assertThat(otherCa.exitCode()).isEqualTo(1);
        assertThat(otherCa.err().lines()).singleElement()
            .asString()
            .startsWith("raftmanager: State failed: ")
            .contains("server's certificate is not trusted")
            .contains("--cacert");
    }

    @Test
    void cliWithTlsToAPlaintextServerIsToldItDoesNotUseTls() throws IOException {
        Server plaintext = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).build().start();
        try {
            RaftManagerProcess.Result result = RaftManagerProcess.run("--timeout", "10s", "--cacert",
                    caCert.toString(), "127.0.0.1:" + plaintext.getPort(), "state");
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err().lines()).singleElement()
                .asString()
                .startsWith("raftmanager: State failed: ")
                .contains("does not use TLS");
        }
        finally {
            plaintext.shutdownNow();
        }
    }

    @Test
    void cliWithAnAuthorityTheCertificateDoesNotNameIsToldSo() {
        String node = cluster.awaitLeader();
        RaftManagerProcess.Result wrongName = RaftManagerProcess.run("--timeout", "10s", "--cacert",
                caCert.toString(), "--authority", "raft.example.com", clients.grpcAddress(node), "state");
        assertThat(wrongName.exitCode()).isEqualTo(1);
        assertThat(wrongName.err().lines()).singleElement()
            .asString()
            .contains("raft.example.com")
            .contains("--authority");
    }

    @Test
    void mutualTlsCliWithAClientCertificateWorksAndWithoutOneIsToldToGiveIt() {
        String node = mutualCluster.awaitLeader();
        String address = mutualClients.grpcAddress(node);
        for (Path key : new Path[] { clientKeyPkcs8, clientKeyPkcs1 }) {
            RaftManagerProcess.Result result = RaftManagerProcess.run("--cacert", caCert.toString(), "--cert",
                    clientCert.toString(), "--key", key.toString(), address, "state");
            assertThat(result.exitCode()).as(key + ": " + result.err()).isZero();
            assertThat(result.lines()).as(key.toString())
                .containsExactly("Invoking State()", "Response: state: LEADER");
        }

        RaftManagerProcess.Result withoutCertificate = RaftManagerProcess.run("--timeout", "10s", "--cacert",
                caCert.toString(), address, "state");
        assertThat(withoutCertificate.exitCode()).isEqualTo(1);
        assertThat(withoutCertificate.err().lines()).singleElement()
            .asString()
            .startsWith("raftmanager: State failed: ")
            .contains("client certificate")
            .contains("--cert")
            .contains("--key");

        RaftManagerProcess.Result notAKey = RaftManagerProcess.run("--cacert", caCert.toString(), "--cert",
                clientCert.toString(), "--key", clientCert.toString(), address, "state");
        assertThat(notAKey.exitCode()).isEqualTo(2);
        assertThat(notAKey.err().lines()).singleElement()
            .asString()
            .startsWith("raftmanager: Cannot use the TLS files (")
            .contains("--key an unencrypted PEM private key");
    }

    @Test
    void anOrdinaryGrpcJavaClientReachesTheServiceWithTheCa() {
        String leader = cluster.awaitLeader();
        assertThat(RaftAdminGrpc.newBlockingStub(clients.channel(leader))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .state(StateRequest.getDefaultInstance())
            .getState()).isEqualTo(StateResponse.State.LEADER);
        assertThat(cluster.node(leader).status().role()).isEqualTo(RaftRole.LEADER);

        String secure = mutualCluster.awaitLeader();
        assertThat(RaftAdminGrpc.newBlockingStub(mutualClients.channel(secure))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .stats(StatsRequest.getDefaultInstance())
            .getStatsOrThrow("node_id")).isEqualTo(secure);

        ManagedChannel withoutClientCertificate = Grpc.newChannelBuilder(mutualClients.grpcAddress(secure),
                credentials(caCert, null, null))
            .build();
        try {
            assertThatExceptionOfType(StatusRuntimeException.class)
                .isThrownBy(() -> RaftAdminGrpc.newBlockingStub(withoutClientCertificate)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .state(StateRequest.getDefaultInstance()))
                .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
        }
        finally {
            withoutClientCertificate.shutdownNow();
        }
    }

    private String multiTarget() {
        return cluster.running()
            .stream()
            .map(clients::grpcAddress)
            .collect(Collectors.joining(",", "multi:///", ""));
    }

    private static ChannelCredentials credentials(Path ca, Path certificate, Path key) {
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder().trustManager(ca.toFile());
            if (certificate != null) {
                builder.keyManager(certificate.toFile(), key.toFile());
            }
            return builder.build();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
