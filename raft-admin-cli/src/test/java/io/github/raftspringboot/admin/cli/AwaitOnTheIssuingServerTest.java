package io.github.raftspringboot.admin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.admin.proto.Future;
import io.github.raftspringboot.admin.proto.LeadershipTransferToServerRequest;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Await of a Future goes to the server that issued the Future, even when the channel of a multi:/// target
 * would send the next call elsewhere (with --leader: to the new leader after a leadership transfer). Two fake
 * RaftAdmin servers, each knowing only the tokens it issued, and a channel that sends the first call to one and
 * every later call to the other.
 */
class AwaitOnTheIssuingServerTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";

    private Server issuing;

    private Server other;

    private ManagedChannel toIssuing;

    private ManagedChannel toOther;

    @BeforeEach
    void startServers() throws IOException {
        // Port 0: the OS picks a free ephemeral port, outside the FreePorts range the cluster tests use.
        issuing = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new FakeAdmin(true))
            .build()
            .start();
        other = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new FakeAdmin(false))
            .build()
            .start();
        toIssuing = Grpc.newChannelBuilder("127.0.0.1:" + issuing.getPort(), InsecureChannelCredentials.create())
            .build();
        toOther = Grpc.newChannelBuilder("127.0.0.1:" + other.getPort(), InsecureChannelCredentials.create())
            .build();
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        toIssuing.shutdownNow();
        toOther.shutdownNow();
        issuing.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void theAwaitGoesToTheServerThatIssuedTheFuture() {
        ConnectionOptions connection = new ConnectionOptions();
        connection.timeout = Duration.ofSeconds(10);
        String target = "multi:///127.0.0.1:" + other.getPort() + ",127.0.0.1:" + issuing.getPort();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Invocation invocation = new Invocation(new FirstCallToIssuingThenOther(), target, connection,
                Output.of(OutputFormat.TEXT, new PrintWriter(out, true)), new PrintWriter(err, true));

        int status = invocation.call(AdminMethod.all().get("leadership_transfer_to_server"),
                LeadershipTransferToServerRequest.newBuilder().setId("node2").setAddress("127.0.0.1:12002").build(),
                true);

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Invoking Await(").contains("Response: index: 42");
    }

    /** The routing of a leader-following channel right after a leadership transfer, made deterministic. */
    private final class FirstCallToIssuingThenOther extends Channel {

        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            return (calls.getAndIncrement() == 0 ? toIssuing : toOther).newCall(method, options);
        }

        @Override
        public String authority() {
            return toIssuing.authority();
        }
    }

    /** Issues {@link #TOKEN} if {@code issues}; answers an Await of a token it did not issue with NOT_FOUND. */
    private static final class FakeAdmin extends RaftAdminGrpc.RaftAdminImplBase {

        private final boolean issues;

        FakeAdmin(boolean issues) {
            this.issues = issues;
        }

        @Override
        public void leadershipTransferToServer(LeadershipTransferToServerRequest request,
                StreamObserver<Future> response) {
            response.onNext(Future.newBuilder().setOperationToken(TOKEN).build());
            response.onCompleted();
        }

        @Override
        public void await(Future request, StreamObserver<AwaitResponse> response) {
            if (!issues) {
                response.onError(Status.NOT_FOUND
                    .withDescription("unknown operation token " + request.getOperationToken())
                    .asRuntimeException());
                return;
            }
            response.onNext(AwaitResponse.newBuilder().setIndex(42).build());
            response.onCompleted();
        }
    }
}
