package io.github.raftspringboot.admin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.admin.proto.BarrierRequest;
import io.github.raftspringboot.admin.proto.Future;
import io.github.raftspringboot.admin.proto.GetConfigurationRequest;
import io.github.raftspringboot.admin.proto.GetConfigurationResponse;
import io.github.raftspringboot.admin.proto.LeaderRequest;
import io.github.raftspringboot.admin.proto.LeaderResponse;
import io.github.raftspringboot.admin.proto.RaftAdminGrpc;
import io.github.raftspringboot.admin.proto.StateRequest;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The training run of raftmanager's class data archive, which its launcher makes once per JDK and jar: the CLI's own
 * code ({@link RaftManager#run}) calls a RaftAdmin server of this process on loopback, as a user's commands call a
 * node (a plain call, a Future and its Await, text and JSON output), so that the archive holds the classes of gRPC,
 * Netty and protobuf that every command loads, not only those of whichever command happened to run first (a
 * {@code --version} would leave only picocli's). Nothing is printed; the exit status is the CLI's last one.
 */
final class ClassArchiveTraining {

    private ClassArchiveTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(new TrainingAdmin())
            .build()
            .start();
        int status = 0;
        try {
            String target = "127.0.0.1:" + server.getPort();
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            for (List<String> command : List.of(List.of("--timeout=10s", target, "leader"),
                    List.of("--timeout=10s", "-o", "json", target, "state"),
                    List.of("--timeout=10s", target, "get_configuration"), List.of("--timeout=10s", target, "barrier"))) {
                status = Math.max(status, RaftManager.run(command.toArray(String[]::new), discard, discard));
            }
        }
        finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        System.exit(status);
    }

    /** Answers as a one-node cluster's leader would. */
    private static final class TrainingAdmin extends RaftAdminGrpc.RaftAdminImplBase {

        @Override
        public void leader(LeaderRequest request, StreamObserver<LeaderResponse> response) {
            answer(response, LeaderResponse.newBuilder().setAddress("127.0.0.1:12000").build());
        }

        @Override
        public void state(StateRequest request, StreamObserver<StateResponse> response) {
            answer(response, StateResponse.newBuilder().setState(StateResponse.State.LEADER).build());
        }

        @Override
        public void getConfiguration(GetConfigurationRequest request, StreamObserver<GetConfigurationResponse> response) {
            answer(response, GetConfigurationResponse.newBuilder()
                .addServers(GetConfigurationResponse.Server.newBuilder()
                    .setId("node1")
                    .setAddress("127.0.0.1:12000")
                    .setSuffrage(GetConfigurationResponse.Server.Suffrage.VOTER))
                .build());
        }

        @Override
        public void barrier(BarrierRequest request, StreamObserver<Future> response) {
            answer(response, Future.newBuilder().setOperationToken("0123456789abcdef0123456789abcdef01234567").build());
        }

        @Override
        public void await(Future request, StreamObserver<AwaitResponse> response) {
            answer(response, AwaitResponse.newBuilder().setIndex(1).build());
        }

        private static <T> void answer(StreamObserver<T> response, T value) {
            response.onNext(value);
            response.onCompleted();
        }
    }
}
