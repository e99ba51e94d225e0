package io.github.raftspringboot.test.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real HTTP/2 gRPC link, as the Raft transport uses, cut and healed by the proxy: calls time out while cut
 * (nothing tells the client), and the channel recovers by itself once the link heals.
 */
class GrpcThroughProxyTest {

    private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Echo/Echo")
            .setRequestMarshaller(new Utf8())
            .setResponseMarshaller(new Utf8())
            .build();

    private final AtomicInteger served = new AtomicInteger();

    private Server server;

    private TcpProxy proxy;

    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerServiceDefinition.builder("test.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                            served.incrementAndGet();
                            response.onNext(request);
                            response.onCompleted();
                        }))
                        .build())
                .build()
                .start();
        proxy = TcpProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()));
        channel = NettyChannelBuilder.forAddress(proxy.address()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        proxy.close();
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void callsTimeOutWhileTheLinkIsCutAndSucceedAgainOnceHealed() {
        assertThat(call("before", Duration.ofSeconds(10))).isEqualTo("before");

        proxy.drop();

        assertThatThrownBy(() -> call("during", Duration.ofMillis(500))).isInstanceOf(StatusRuntimeException.class)
                .extracting(ex -> ((StatusRuntimeException) ex).getStatus().getCode())
                .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(proxy.stats().droppedToTarget()).isPositive();

        proxy.pass();

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "after".equals(call("after", Duration.ofSeconds(2))));
    }

    @Test
    void aOneWayCutDeliversTheRequestButLosesTheAnswer() {
        assertThat(call("warm-up", Duration.ofSeconds(10))).isEqualTo("warm-up");
        int before = served.get();

        proxy.drop(Direction.FROM_TARGET);

        assertThatThrownBy(() -> call("unanswered", Duration.ofSeconds(2)))
                .isInstanceOf(StatusRuntimeException.class);
        await().until(() -> served.get() == before + 1);
        assertThat(proxy.stats().droppedFromTarget()).isPositive();
    }

    private String call(String request, Duration deadline) {
        return ClientCalls.blockingUnaryCall(channel, ECHO,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), request);
    }

    private static final class Utf8 implements MethodDescriptor.Marshaller<String> {

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
