package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.test.FreePorts;
import io.github.raftspringboot.test.fault.TcpProxy;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The streamed peer transport against a real gRPC server on loopback whose answers the test controls: replies
 * matched to their requests by id, the timeout sweep, a broken stream failing everything at once, reconnection to a
 * restarted peer, and the size limits.
 */
class PeerStreamsTest {

    private static final String PEER = "peer";

    /** Requests the test server holds unanswered, by payload. */
    private final Map<String, CompletableFuture<byte[]>> held = new ConcurrentHashMap<>();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    private final int port = FreePorts.next();

    private Server server;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void repliesCompleteTheirOwnRequestsWhateverTheOrder() throws Exception {
        startServer(this::holdOrEcho);
        PeerChannels channels = channels(port, Duration.ofSeconds(30), 1 << 20);
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            replies.add(channels.call(PEER, frame("hold-" + i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 5);
        for (int i = 4; i >= 0; i--) {
            held.get("hold-" + i).complete(frame("answer-" + i));
        }
        for (int i = 0; i < 5; i++) {
            assertThat(text(replies.get(i).get(10, TimeUnit.SECONDS))).isEqualTo("answer-" + i);
        }
        assertThat(streamTo(channels).pendingCount()).isZero();
    }

    @Test
    void theSweepFailsOnlyTheRequestWhoseTimeIsUp() throws Exception {
        startServer(this::holdOrEcho);
        PeerChannels channels = channels(port, Duration.ofMillis(500), 1 << 20);
        CompletableFuture<byte[]> unanswered = channels.call(PEER, frame("hold-1"));
        long start = System.nanoTime();
        // Answers keep arriving on the stream meanwhile: the link is alive, only this request is late.
        while (!unanswered.isDone()) {
            assertThat(text(channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))).isEqualTo("echo");
        }
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThatThrownBy(unanswered::get).hasCauseInstanceOf(TimeoutException.class)
            .hasMessageContaining("did not answer in time");
        assertThat(tookMillis).isBetween(400L, 3_000L);
        PeerStream stream = streamTo(channels);
        assertThat(text(channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))).isEqualTo("echo");
        assertThat(streamTo(channels)).as("the stream was kept").isSameAs(stream);
    }

    @Test
    void aStreamSilentForTheWholeTimeoutIsReplaced() throws Exception {
        startServer(this::holdOrEcho);
        PeerChannels channels = channels(port, Duration.ofMillis(500), 1 << 20);
        CompletableFuture<byte[]> first = channels.call(PEER, frame("hold-1"));
        PeerStream silent = streamTo(channels);
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> streamTo(channels) == null);
        assertThat(text(channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))).isEqualTo("echo");
        assertThat(streamTo(channels)).isNotNull().isNotSameAs(silent);
    }

    @Test
    void aPeerThatGoesAwayFailsEveryPendingRequestAtOnceAndIsReachedAgainAtTheNextAttempt() throws Exception {
        startServer(this::holdOrEcho);
        PeerChannels channels = channels(port, Duration.ofSeconds(60), 1 << 20);
        List<CompletableFuture<byte[]>> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pending.add(channels.call(PEER, frame("hold-" + i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 10);
        long start = System.nanoTime();
        server.shutdownNow();
        for (CompletableFuture<byte[]> request : pending) {
            assertThatThrownBy(() -> request.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to fail the pending requests").isLessThan(5_000);
        server.awaitTermination(10, TimeUnit.SECONDS);
        // Left down for a while, gRPC would back off reconnecting for seconds.
        long downUntil = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < downUntil) {
            assertThatThrownBy(() -> channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ConnectException.class);
            Thread.sleep(200); // Raft's retry pace (a heartbeat), not a synchronisation
        }
        startServer(this::holdOrEcho);
        long restarted = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> channels.call(PEER, frame("echo")).handle((reply, error) -> reply != null).get());
        assertThat((System.nanoTime() - restarted) / 1_000_000).as("ms to reach the restarted peer").isLessThan(1_500);
    }

    @Test
    void aControlMessageToAPeerThatCameBackIsDeliveredAtTheFirstTry() throws Exception {
        PeerChannels channels = channels(port, Duration.ofSeconds(30), 1 << 20);
        assertThatThrownBy(() -> channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(ConnectException.class);
        startServer(this::holdOrEcho);
        // gRPC keeps the channel in TRANSIENT_FAILURE until a new connection is up and fails plain calls with the
        // old error meanwhile; a control message waits for that connection instead.
        assertThat(text(channels.callAfterReconnecting(PEER, frame("echo")).get(10, TimeUnit.SECONDS)))
            .isEqualTo("echo");
    }

    @Test
    void aControlMessageToAPeerThatStaysDownFailsAfterTheReconnectWait() throws Exception {
        PeerChannels channels = channels(port, Duration.ofMillis(700), 1 << 20);
        assertThatThrownBy(() -> channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(ConnectException.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> channels.callAfterReconnecting(PEER, frame("echo")).get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(ConnectException.class);
        // At once if the channel was trying to connect again anyway, else after the 700 ms wait: never stuck.
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms before failing").isLessThan(5_000L);
        assertThat(PeerChannels.reconnectWait(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(2));
        assertThat(PeerChannels.reconnectWait(Duration.ofMillis(700))).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void aCutLinkFailsThePendingRequestsPromptly() throws Exception {
        startServer(this::holdOrEcho);
        TcpProxy proxy = TcpProxy.start(new InetSocketAddress("127.0.0.1", port));
        closeables.add(proxy);
        PeerChannels channels = channels(proxy.port(), Duration.ofSeconds(60), 1 << 20);
        assertThat(text(channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))).isEqualTo("echo");
        List<CompletableFuture<byte[]>> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(channels.call(PEER, frame("hold-" + i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 5);
        proxy.reset();
        for (CompletableFuture<byte[]> request : pending) {
            assertThatThrownBy(() -> request.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class);
        }
        proxy.pass();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> channels.call(PEER, frame("echo")).handle((reply, error) -> reply != null).get());
    }

    @Test
    void aFailureOnThePeerFailsOnlyItsRequest() throws Exception {
        startServer(frame -> text(frame).equals("boom") ? CompletableFuture.failedFuture(
                new IllegalStateException("Raft is not ready")) : CompletableFuture.completedFuture(frame));
        PeerChannels channels = channels(port, Duration.ofSeconds(30), 1 << 20);
        assertThatThrownBy(() -> channels.call(PEER, frame("boom")).get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(ConnectException.class).hasMessageContaining("Raft is not ready");
        assertThat(text(channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))).isEqualTo("echo");
    }

    @Test
    void requestsBeyondTheInFlightLimitOrTheMessageLimitFailAtOnce() throws Exception {
        startServer(this::holdOrEcho);
        PeerChannels channels = channels(port, Duration.ofSeconds(30), 1000);
        CompletableFuture<byte[]> first = channels.call(PEER, frame("hold-1" + "x".repeat(600)));
        CompletableFuture<byte[]> second = channels.call(PEER, frame("hold-2" + "x".repeat(600)));
        assertThatThrownBy(() -> second.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class)
            .hasMessageContaining("is not keeping up");
        assertThatThrownBy(() -> channels.call(PEER, new byte[4097]).get(1, TimeUnit.SECONDS))
            .hasCauseInstanceOf(StatusRuntimeException.class).hasMessageContaining("over the peer message limit");
        await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
        held.values().iterator().next().complete(frame("done"));
        assertThat(text(first.get(10, TimeUnit.SECONDS))).isEqualTo("done");
        assertThat(text(channels.call(PEER, frame("echo")).get(10, TimeUnit.SECONDS))).isEqualTo("echo");
    }

    /** Holds requests whose payload starts with "hold", answers the others with their own frame. */
    private CompletableFuture<byte[]> holdOrEcho(byte[] frame) {
        String text = text(frame);
        if (text.startsWith("hold")) {
            CompletableFuture<byte[]> reply = new CompletableFuture<>();
            held.put(text, reply);
            return reply;
        }
        return CompletableFuture.completedFuture(frame);
    }

    private void startServer(Function<byte[], CompletableFuture<byte[]>> handle) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .directExecutor()
            .addService(ServerServiceDefinition.builder(GrpcRaftTransport.SERVICE_NAME)
                .addMethod(GrpcRaftTransport.STREAM, PeerStreamService.handler((message, offset) -> handle
                    .apply(Arrays.copyOfRange(message, offset, message.length))))
                .build())
            .build()
            .start();
    }

    private PeerChannels channels(int dialPort, Duration requestTimeout, long maxInFlightBytes) {
        PeerDirectory directory = new PeerDirectory("local", "127.0.0.1:1",
                List.of(new RaftPeer(PEER, "127.0.0.1", dialPort)));
        PeerTransportSecurity security = new PeerTransportSecurity(null);
        PeerStreams streams = new PeerStreams("local", GrpcRaftTransport.STREAM, requestTimeout, 4096,
                maxInFlightBytes, security);
        PeerChannels channels = new PeerChannels(directory, requestTimeout, 4096, security, null, streams);
        closeables.add(channels);
        return channels;
    }

    private PeerStream streamTo(PeerChannels channels) {
        return channels.streams().stream(new RaftPeer(PEER, "127.0.0.1", port).address(), PeerStreams.Lane.CONTROL);
    }

    private static byte[] frame(String text) {
        return PeerMessageCodec.frame(PeerMessageCodec.CONTROL_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] frame) {
        return new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8);
    }
}
