package io.github.raftspringboot.autoconfigure.grpc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.github.raftspringboot.autoconfigure.TestCluster;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code raft.grpc.admin.token} on a real node whose gRPC server has TLS with optional client certificates: calls
 * without / with a malformed / with a wrong / with the right token, a client certificate instead of a token,
 * leader health without either, and raftmanager's {@code --token} and {@code RAFTMANAGER_TOKEN}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAuthenticationIntegrationTest {

    private static final String TOKEN = "3f1c9a7e5d2b8c4a6e0f1d3b5a7c9e2f";

    private static final String OLD_TOKEN = "old-token-still-accepted-while-rotating";

    Path caCert;

    Path clientCert;

    Path clientKey;

    TestCluster cluster;

    String address;

    @BeforeAll
    void startNode(@TempDir Path dir) {
        TestCertificates ca = TestCertificates.newCa("Raft admin auth CA");
        caCert = ca.writeCertificate(dir.resolve("ca.pem"));
        TestCertificates.IssuedCertificate client = ca.issueClient("raft-operator");
        clientCert = client.writeCertificate(dir.resolve("client.pem"));
        clientKey = client.writePkcs8Key(dir.resolve("client-key.pem"));
        TestCertificates.IssuedCertificate server = ca.issueServer("auth1", "127.0.0.1");

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.ssl.bundle.pem.raft-admin.keystore.certificate",
                server.writeCertificate(dir.resolve("server.pem")).toString());
        properties.put("spring.ssl.bundle.pem.raft-admin.keystore.private-key",
                server.writePkcs8Key(dir.resolve("server-key.pem")).toString());
        properties.put("spring.ssl.bundle.pem.raft-admin.truststore.certificate", caCert.toString());
        properties.put("spring.grpc.server.ssl.bundle", "raft-admin");
        properties.put("spring.grpc.server.ssl.client-auth", "optional");
        properties.put("raft.grpc.admin.token", TOKEN + "," + OLD_TOKEN);
        cluster = TestCluster.start(1, dir.resolve("nodes"), properties, "auth");
        cluster.awaitLeader();
        address = "127.0.0.1:" + new AdminClients(cluster).grpcPort("auth1");
    }

    @AfterAll
    void stopNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aCallWithoutTokenOrWithAMalformedHeaderIsUnauthenticated() {
        assertThat(stateCall(null, false)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(stateCall(TOKEN, false)).as("no 'Bearer ' prefix").isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(stateCall("Basic " + TOKEN, false)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(stateCall("Bearer ", false)).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void aWrongTokenIsDenied() {
        assertThat(stateCall("Bearer wrong-" + TOKEN, false)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(stateCall("Bearer " + TOKEN.substring(1), false)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void eachConfiguredTokenOrAClientCertificateIsAccepted() {
        assertThat(stateCall("Bearer " + TOKEN, false)).isEqualTo(Status.Code.OK);
        assertThat(stateCall("bearer " + OLD_TOKEN, false)).isEqualTo(Status.Code.OK);
        assertThat(stateCall(null, true)).as("verified client certificate, no token").isEqualTo(Status.Code.OK);
    }

    @Test
    void leaderHealthNeedsNoCredentials() {
        ManagedChannel channel = Grpc.newChannelBuilder(address, credentials(false)).build();
        try {
            assertThat(HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("quis.RaftLeader").build())
                .getStatus()).isEqualTo(ServingStatus.SERVING);
        }
        finally {
            channel.shutdownNow();
        }
    }

    @Test
    void raftmanagerSendsTheTokenFromItsOptionOrTheEnvironmentAndSaysWhatIsMissing() {
        RaftManagerProcess.Result withOption = RaftManagerProcess.run("--cacert", caCert.toString(), "--token",
                TOKEN, address, "state");
        assertThat(withOption.exitCode()).as(withOption.err()).isZero();
        assertThat(withOption.lines()).containsExactly("Invoking State()", "Response: state: LEADER");

        RaftManagerProcess.Result withEnvironment = RaftManagerProcess.run(Map.of("RAFTMANAGER_TOKEN", TOKEN),
                "--cacert", caCert.toString(), address, "state");
        assertThat(withEnvironment.exitCode()).as(withEnvironment.err()).isZero();

        RaftManagerProcess.Result without = RaftManagerProcess.run("--cacert", caCert.toString(), address, "state");
        assertThat(without.exitCode()).isEqualTo(1);
        assertThat(without.err().lines()).singleElement()
            .asString()
            .startsWith("raftmanager: State failed: ")
            .contains("--token")
            .contains("RAFTMANAGER_TOKEN");

        RaftManagerProcess.Result wrong = RaftManagerProcess.run(Map.of("RAFTMANAGER_TOKEN", "not-" + TOKEN),
                "--cacert", caCert.toString(), address, "state");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).contains("refused").contains("raft.grpc.admin.token").doesNotContain(TOKEN);
    }

    /** The status code of a State call with this authorization header (or none), with or without certificate. */
    private Status.Code stateCall(String authorization, boolean clientCertificate) {
        ManagedChannel channel = Grpc.newChannelBuilder(address, credentials(clientCertificate)).build();
        try {
            RaftAdminGrpc.RaftAdminBlockingStub stub = RaftAdminGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
            if (authorization != null) {
                Metadata headers = new Metadata();
                headers.put(AdminCallAuthenticator.AUTHORIZATION, authorization);
                stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            }
            StateResponse response = stub.state(StateRequest.getDefaultInstance());
            assertThat(response.getState()).isEqualTo(StateResponse.State.LEADER);
            return Status.Code.OK;
        }
        catch (StatusRuntimeException ex) {
            assertThat(ex.getStatus().getCode()).isIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
            assertThat(ex.getStatus().getDescription()).doesNotContain(TOKEN.substring(4));
            return ex.getStatus().getCode();
        }
        finally {
            channel.shutdownNow();
        }
    }

    private ChannelCredentials credentials(boolean clientCertificate) {
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder().trustManager(caCert.toFile());
            if (clientCertificate) {
                builder.keyManager(clientCert.toFile(), clientKey.toFile());
            }
            return builder.build();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
