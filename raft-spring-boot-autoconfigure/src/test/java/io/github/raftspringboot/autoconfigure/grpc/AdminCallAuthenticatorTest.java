package io.github.raftspringboot.autoconfigure.grpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Who gets through without a token: callers on this host only (unless allowed), decided by the caller's address,
 * which an in-process server is made to report here; and the start-up warning that says so.
 */
class AdminCallAuthenticatorTest {

    private Server server;

    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void withoutATokenOnlyLoopbackCallersReachTheAdminServices() throws IOException {
        assertThat(stateFrom("127.0.0.1", false)).isEqualTo(Status.Code.OK);
        assertThat(stateFrom("10.1.2.3", false)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void remoteCallersWithoutATokenCanBeAllowedExplicitly() throws IOException {
        assertThat(stateFrom("10.1.2.3", true)).isEqualTo(Status.Code.OK);
    }

    @Test
    void healthIsOpenToRemoteCallers() throws IOException {
        start("10.1.2.3", false);
        assertThat(HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance())
            .getStatus()).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void theRefusalTellsTheRemoteCallerWhatToSet() throws IOException {
        start("10.1.2.3", false);
        assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(this::callState)
            .satisfies(ex -> assertThat(ex.getStatus().getDescription()).contains("raft.grpc.admin.token")
                .contains("raftmanager --token"));
    }

    @Test
    void oneWarningAtStartWhenTheServerListensBeyondLoopbackWithoutToken() {
        RaftAdminGrpcProperties properties = new RaftAdminGrpcProperties();
        assertThat(AdminAccessWarning.check(properties, new MockEnvironment())).contains("all interfaces")
            .contains("raft.grpc.admin.token");
        assertThat(AdminAccessWarning.check(properties,
                new MockEnvironment().withProperty("spring.grpc.server.address", "0.0.0.0")))
            .contains("0.0.0.0")
            .contains("only callers on this host");
        properties.setAllowRemoteWithoutToken(true);
        assertThat(AdminAccessWarning.check(properties, new MockEnvironment())).contains("anyone who reaches");

        assertThat(AdminAccessWarning.check(properties,
                new MockEnvironment().withProperty("spring.grpc.server.address", "127.0.0.1"))).isNull();
        assertThat(AdminAccessWarning.check(properties,
                new MockEnvironment().withProperty("spring.grpc.server.ssl.client-auth", "require"))).isNull();
        properties.setToken(List.of("secret"));
        assertThat(AdminAccessWarning.check(properties, new MockEnvironment())).isNull();
    }

    private Status.Code stateFrom(String callerAddress, boolean allowRemote) throws IOException {
        start(callerAddress, allowRemote);
        try {
            assertThat(callState().getState()).isEqualTo(StateResponse.State.LEADER);
            return Status.Code.OK;
        }
        catch (StatusRuntimeException ex) {
            return ex.getStatus().getCode();
        }
    }

    private StateResponse callState() {
        return RaftAdminGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .state(StateRequest.getDefaultInstance());
    }

    private void start(String callerAddress, boolean allowRemote) throws IOException {
        String name = InProcessServerBuilder.generateName();
        AdminCallAuthenticator authenticator = new AdminCallAuthenticator(List.of(), allowRemote);
        server = InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.intercept(new RaftAdminGrpc.RaftAdminImplBase() {
                @Override
                public void state(StateRequest request, StreamObserver<StateResponse> response) {
                    response.onNext(StateResponse.newBuilder().setState(StateResponse.State.LEADER).build());
                    response.onCompleted();
                }
            }, authenticator))
            .addService(ServerInterceptors.intercept(new HealthStatusManager().getHealthService(), authenticator))
            .addTransportFilter(new ServerTransportFilter() {
                @Override
                public Attributes transportReady(Attributes attributes) {
                    // As a Netty server reports a caller on another host.
                    return attributes.toBuilder()
                        .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, new InetSocketAddress(callerAddress, 41000))
                        .build();
                }
            })
            .build()
            .start();
        channel = InProcessChannelBuilder.forName(name).build();
    }
}
