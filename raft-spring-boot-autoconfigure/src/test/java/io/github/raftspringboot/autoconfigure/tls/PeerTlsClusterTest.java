package io.github.raftspringboot.autoconfigure.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.autoconfigure.TestCluster;
import io.github.raftspringboot.test.RaftTestCluster;
import io.github.raftspringboot.test.RaftTestClusterBuilder;
import io.github.raftspringboot.autoconfigure.grpc.TestCertificates;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A 3-node cluster whose peer port uses mutual TLS from a PEM SSL bundle ({@code raft.tls.bundle}, with
 * {@code raft.tls.verify-peer-identity}): writes on the leader and through a follower, a fourth node with a
 * certificate of the same CA joins and catches up; intruders on the peer port (a certificate of another CA, no
 * certificate, plaintext) are refused at the door and change nothing. Certificates are made at test time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerTlsClusterTest {

    /** The peer protocol's one method, called here as an intruder would. */
    private static final MethodDescriptor<byte[], byte[]> EXCHANGE = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("raftspringboot.peer.v1.RaftPeer/Exchange")
        .setRequestMarshaller(new Bytes())
        .setResponseMarshaller(new Bytes())
        .build();

    Path dir;

    TestCertificates ca;

    Path caCert;

    RaftTestCluster cluster;

    @BeforeAll
    void startCluster(@TempDir Path dir) {
        this.dir = dir;
        ca = TestCertificates.newCa("Raft peers CA");
        caCert = ca.writeCertificate(dir.resolve("ca.pem"));
        RaftTestClusterBuilder builder = RaftTestCluster.builder(TestCluster.NodeApplication.class)
            .nodes(3)
            .stateDirectory(dir.resolve("nodes"))
            .property("raft.tls.verify-peer-identity", "true");
        for (String id : List.of("node1", "node2", "node3")) {
            bundle(id, ca.issuePeer(id, "127.0.0.1")).forEach((name, value) -> builder.nodeProperty(id, name, value));
        }
        cluster = builder.start();
        cluster.awaitLeader();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The application.properties lines of docs/security.md for a node with this certificate. */
    private Map<String, String> bundle(String id, TestCertificates.IssuedCertificate certificate) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.ssl.bundle.pem.raft-peer.keystore.certificate",
                certificate.writeCertificate(dir.resolve(id + ".pem")).toString());
        properties.put("spring.ssl.bundle.pem.raft-peer.keystore.private-key",
                certificate.writePkcs8Key(dir.resolve(id + "-key.pem")).toString());
        properties.put("spring.ssl.bundle.pem.raft-peer.truststore.certificate", caCert.toString());
        properties.put("raft.tls.bundle", "raft-peer");
        return properties;
    }

    @Test
    void theClusterWorksOverMutualTls() {
        String leader = cluster.awaitLeader();
        String follower = cluster.followers().get(0);
        cluster.store(leader).put("written-on", "leader");
        // Carried to the leader over the peer port by the follower's store.
        cluster.store(follower).put("forwarded-by", follower);
        for (String id : cluster.running()) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(cluster.store(id).get("written-on", String.class)).hasValue("leader");
                assertThat(cluster.store(id).get("forwarded-by", String.class)).hasValue(follower);
            });
        }

        // A fourth node with a certificate of the same CA joins as a voter and catches up.
        String address = cluster.reserve("node4");
        Map<String, String> joiner = bundle("node4", ca.issuePeer("node4", "127.0.0.1"));
        joiner.put("raft.bootstrap", "false");
        cluster.start("node4", joiner);
        cluster.node(follower).viaLeader().addVoter("node4", address, 0).join();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(cluster.store("node4").get("forwarded-by", String.class)).hasValue(follower));
    }

    @Test
    void intrudersOnThePeerPortAreRefusedAndChangeNothing() throws IOException {
        String leader = cluster.awaitLeader();
        cluster.store(leader).put("before-intruders", 1);
        long term = cluster.node(leader).status().term();
        List<RaftServerInfo> servers = cluster.node(leader).status().servers();
        String target = cluster.node(leader).status().address();

        TestCertificates otherCa = TestCertificates.newCa("Intruder CA");
        TestCertificates.IssuedCertificate foreign = otherCa.issuePeer("node9", "127.0.0.1");
        ChannelCredentials foreignCertificate = TlsChannelCredentials.newBuilder()
            .trustManager(caCert.toFile())
            .keyManager(foreign.writeCertificate(dir.resolve("intruder.pem")).toFile(),
                    foreign.writePkcs8Key(dir.resolve("intruder-key.pem")).toFile())
            .build();
        // The listener names the CAs it trusts, so the client offers no certificate (or fails the handshake).
        assertThat(exchange(target, foreignCertificate).getCode()).isIn(Status.Code.UNAUTHENTICATED,
                Status.Code.UNAVAILABLE);

        ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(caCert.toFile()).build();
        assertThat(exchange(target, noCertificate).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

        assertThat(exchange(target, InsecureChannelCredentials.create()).getCode())
            .isEqualTo(Status.Code.UNAVAILABLE);

        // The door works both ways: the same call with a certificate of the cluster's CA reaches the protocol.
        TestCertificates.IssuedCertificate trusted = ca.issuePeer("node5", "127.0.0.1");
        ChannelCredentials trustedCertificate = TlsChannelCredentials.newBuilder()
            .trustManager(caCert.toFile())
            .keyManager(trusted.writeCertificate(dir.resolve("trusted.pem")).toFile(),
                    trusted.writePkcs8Key(dir.resolve("trusted-key.pem")).toFile())
            .build();
        Status reached = exchange(target, trustedCertificate);
        assertThat(reached.getCode()).as(reached.toString()).isNotEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(reached.getCause()).as(reached.toString()).isNull();

        assertThat(cluster.awaitLeader()).isEqualTo(leader);
        assertThat(cluster.node(leader).status().term()).isEqualTo(term);
        assertThat(cluster.node(leader).status().servers()).isEqualTo(servers);
        assertThat(cluster.store(leader).get("before-intruders", Integer.class)).hasValue(1);
    }

    /** Sends a control frame with no payload to the peer port and returns how the call ended. */
    private static Status exchange(String target, ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilder(target, credentials).build();
        try {
            ClientCalls.blockingUnaryCall(channel, EXCHANGE,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] { 1 });
            return Status.OK;
        }
        catch (StatusRuntimeException ex) {
            return ex.getStatus();
        }
        finally {
            channel.shutdownNow();
        }
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }
}
