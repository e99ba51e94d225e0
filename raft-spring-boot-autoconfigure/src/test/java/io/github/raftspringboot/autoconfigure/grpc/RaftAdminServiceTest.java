package io.github.raftspringboot.autoconfigure.grpc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.admin.proto.BarrierRequest;
import io.github.raftspringboot.admin.proto.Future;
import io.github.raftspringboot.admin.proto.LastContactRequest;
import io.github.raftspringboot.admin.proto.LeaderRequest;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc.RaftAdminBlockingStub;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** The service over a scripted node, in process: Await's deadline handling and the hashicorp mappings. */
class RaftAdminServiceTest {

    private final RaftNode node = mock(RaftNode.class);

    private Server server;

    private ManagedChannel channel;

    private RaftAdminBlockingStub admin;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
            .addService(new RaftAdminService(node, new RaftAdminOperations(Duration.ofMinutes(5), 100)))
            .build()
            .start();
        channel = InProcessChannelBuilder.forName(name).build();
        admin = RaftAdminGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void awaitHonoursTheCallDeadlineAndTheResultStaysAvailable() {
        CompletableFuture<Long> barrier = new CompletableFuture<>();
        given(node.barrier()).willReturn(barrier);
        Future future = admin.barrier(BarrierRequest.getDefaultInstance());

        assertThatExceptionOfType(StatusRuntimeException.class)
            .isThrownBy(() -> admin.withDeadlineAfter(200, TimeUnit.MILLISECONDS).await(future))
            .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

        barrier.complete(17L);
        assertThat(admin.withDeadlineAfter(5, TimeUnit.SECONDS).await(future).getIndex()).isEqualTo(17);
    }

    @Test
    void mapsRolesLeaderAndLastContactAsHashicorpDoes() {
        Instant contact = Instant.parse("2026-01-02T03:04:05.123456789Z");
        given(node.status()).willReturn(status(RaftRole.NON_VOTER, contact));

        assertThat(admin.state(StateRequest.getDefaultInstance()).getState()).isEqualTo(StateResponse.State.FOLLOWER);
        assertThat(admin.leader(LeaderRequest.getDefaultInstance()).getAddress()).isEqualTo("10.0.0.1:12000");
        assertThat(admin.lastContact(LastContactRequest.getDefaultInstance()).getUnixNano())
            .isEqualTo(contact.getEpochSecond() * 1_000_000_000L + contact.getNano());

        given(node.status()).willReturn(status(RaftRole.SHUTDOWN, null));
        assertThat(admin.state(StateRequest.getDefaultInstance()).getState()).isEqualTo(StateResponse.State.SHUTDOWN);
        assertThat(admin.lastContact(LastContactRequest.getDefaultInstance()).getUnixNano()).isZero();
    }

    private static RaftNodeStatus status(RaftRole role, Instant lastContact) {
        RaftServerInfo leader = new RaftServerInfo("a", "10.0.0.1:12000", Suffrage.VOTER);
        return new RaftNodeStatus("b", "10.0.0.2:12000", role, 3, leader, 10, 10, 10, 3, 0, 0, lastContact, 1,
                List.of(leader), Instant.now());
    }
}
