package io.github.raftspringboot.autoconfigure.grpc;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import static org.awaitility.Awaitility.await;

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
        TestCertificates.IssuedCertificate client = ca.issueClient("raft-operator");
        clientCert = client.writeCertificate(dir.resolve("client.pem"));
        clientKeyPkcs8 = client.writePkcs8Key(dir.resolve("client-key.pem"));
        clientKeyPkcs1 = client.writePkcs1Key(dir.resolve("client-key-rsa.pem"));

        // One certificate per node, as in production: node1's names localhost and 127.0.0.1, the others' only
        // 127.0.0.1, so a multi:/// target that starts with localhost checks each node against its own host.
        Map<String, Map<String, String>> nodes = new LinkedHashMap<>();
        for (String id : List.of("node1", "node2", "node3")) {
            String[] hosts = id.equals("node1") ? new String[] { "localhost", "127.0.0.1" }
                    : new String[] { "127.0.0.1" };
            nodes.put(id, tlsProperties(ca.issueServer(id, hosts), dir.resolve(id + "-")));
        }
        cluster = TestCluster.start(dir.resolve("tls"), Map.of(), nodes);
        clients = new AdminClients(cluster, credentials(caCert, null, null));

        Map<String, String> mutual = tlsProperties(ca.issueServer("secure1", "127.0.0.1"), dir.resolve("secure-"));
        mutual.put("spring.grpc.server.ssl.client-auth", "require");
        mutualCluster = TestCluster.start(1, dir.resolve("mtls"), mutual, "secure");
        mutualClients = new AdminClients(mutualCluster, credentials(caCert, clientCert, clientKeyPkcs8));
        cluster.awaitLeader();
        mutualCluster.awaitLeader();
    }

    /** The application.properties lines of docs/grpc-admin.md#tls, for a node with this certificate. */
    private Map<String, String> tlsProperties(TestCertificates.IssuedCertificate server, Path filePrefix) {
        Path certificate = server.writeCertificate(Path.of(filePrefix + "server.pem"));
        Path key = server.writePkcs8Key(Path.of(filePrefix + "server-key.pem"));
        Map<String, String> tls = new LinkedHashMap<>();
        tls.put("spring.ssl.bundle.pem.raft-admin.keystore.certificate", certificate.toString());
        tls.put("spring.ssl.bundle.pem.raft-admin.keystore.private-key", key.toString());
        tls.put("spring.ssl.bundle.pem.raft-admin.truststore.certificate", caCert.toString());
        tls.put("spring.grpc.server.ssl.bundle", "raft-admin");
        return tls;
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
        // localhost:port: the certificate's DNS name is checked too.
        RaftManagerProcess.Result byName = RaftManagerProcess.run("--cacert", caCert.toString(),
                "localhost:" + clients.grpcPort("node1"), "stats");
        assertThat(byName.exitCode()).as(byName.err()).isZero();
        assertThat(byName.out()).containsPattern("key: \"node_id\"\\s+value: \"node1\"");

        // A leader whose certificate does not name localhost, the first host of the multi:/// target.
        String leader = leaderOtherThanNode1();

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
        RaftManagerProcess.Result result = RaftManagerProcess.run("--timeout", "60s",
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
        RaftManagerProcess.Result otherCa = RaftManagerProcess.run("--timeout", "60s", "--cacert",
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
            RaftManagerProcess.Result result = RaftManagerProcess.run("--timeout", "60s", "--cacert",
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
        RaftManagerProcess.Result wrongName = RaftManagerProcess.run("--timeout", "60s", "--cacert",
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

        RaftManagerProcess.Result withoutCertificate = RaftManagerProcess.run("--timeout", "60s", "--cacert",
                caCert.toString(), address, "state");
        assertThat(withoutCertificate.exitCode()).isEqualTo(1);
        assertThat(withoutCertificate.err().lines()).singleElement()
            .asString()
            .startsWith("raftmanager: State failed: ")
            .contains("client certificate")
            .contains("--cert")
            .contains("--key");
    }

    @Test
    void anOrdinaryGrpcJavaClientReachesTheServiceWithTheCa() {
        // round_robin over multi:///localhost:...,127.0.0.1:...: each node is checked against its own host name.
        ManagedChannel allNodes = Grpc.newChannelBuilder(multiTarget(), credentials(caCert, null, null))
            .defaultServiceConfig(Map.of("loadBalancingConfig", List.of(Map.of("round_robin", Map.of()))))
            .build();
        try {
            Set<String> reached = new HashSet<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                reached.add(RaftAdminGrpc.newBlockingStub(allNodes)
                    .withWaitForReady()
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .stats(StatsRequest.getDefaultInstance())
                    .getStatsOrThrow("node_id"));
                assertThat(reached).containsExactlyInAnyOrderElementsOf(cluster.ids());
            });
        }
        finally {
            allNodes.shutdownNow();
        }

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

    /** multi:///localhost:port1,127.0.0.1:port2,127.0.0.1:port3 (node1's certificate alone names localhost). */
    private String multiTarget() {
        return cluster.ids()
            .stream()
            .map(id -> id.equals("node1") ? "localhost:" + clients.grpcPort(id) : clients.grpcAddress(id))
            .collect(Collectors.joining(",", "multi:///", ""));
    }

    private String leaderOtherThanNode1() {
        if (cluster.awaitLeader().equals("node1")) {
            cluster.node("node1").transferLeadership("node2").join();
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.awaitLeader().equals("node2"));
        }
        return cluster.awaitLeader();
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
