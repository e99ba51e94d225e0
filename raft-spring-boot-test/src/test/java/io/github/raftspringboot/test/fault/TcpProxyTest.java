package io.github.raftspringboot.test.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

    private EchoServer server;

    private TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        server = new EchoServer();
        proxy = TcpProxy.start(server.address());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        server.close();
    }

    @Test
    void passForwardsBothWays() throws IOException {
        try (LineClient client = new LineClient(proxy.address())) {
            assertThat(client.roundTrip("hello")).isEqualTo("hello");
        }
        assertThat(proxy.address().getAddress().isLoopbackAddress()).isTrue();
        // Counted after each write returns, which may be after the echo came back: wait for both.
        await().until(() -> proxy.stats().forwardedToTarget() == 5 && proxy.stats().forwardedFromTarget() == 5);
        assertThat(proxy.stats().accepted()).isEqualTo(1);
    }

    @Test
    void dropIsABlackholeThatKeepsTheConnectionOpen() throws IOException {
        try (LineClient client = new LineClient(proxy.address())) {
            client.roundTrip("before");
            proxy.drop();

            client.send("lost");

            await().until(() -> proxy.stats().droppedToTarget() == 4);
            assertThat(server.received()).isEqualTo(6);
            assertThat(client.available()).isZero();
            assertThat(proxy.stats().open()).isEqualTo(1);
        }
    }

    @Test
    void aConnectionThatLostBytesIsResetWhenTheLinkHeals() throws IOException {
        try (LineClient client = new LineClient(proxy.address())) {
            proxy.drop();
            client.send("lost");
            await().until(() -> proxy.stats().droppedToTarget() == 4);

            proxy.pass();

            assertThat(client.isCut()).isTrue();
        }
        try (LineClient again = new LineClient(proxy.address())) {
            assertThat(again.roundTrip("new connection")).isEqualTo("new connection");
        }
    }

    @Test
    void anIdleConnectionSurvivesAPartition() throws IOException {
        try (LineClient client = new LineClient(proxy.address())) {
            client.roundTrip("before");
            proxy.drop();
            proxy.pass();

            assertThat(client.roundTrip("after")).isEqualTo("after");
        }
    }

    @Test
    void oneWayCutToTheTargetLetsTheTargetSpeak() throws IOException {
        try (LineClient client = new LineClient(proxy.address())) {
            client.roundTrip("hi");
            proxy.drop(Direction.TO_TARGET);

            client.send("unheard");
            server.push("pushed");

            assertThat(client.read(6)).isEqualTo("pushed");
            await().until(() -> proxy.stats().droppedToTarget() == 7);
            assertThat(server.received()).isEqualTo(2);
            assertThat(proxy.flow(Direction.FROM_TARGET)).isEqualTo(Flow.pass());
        }
    }

    @Test
    void oneWayCutFromTheTargetLetsRequestsArriveButNoAnswer() throws IOException {
        try (LineClient client = new LineClient(proxy.address())) {
            proxy.drop(Direction.FROM_TARGET);

            client.send("ping");

            await().until(() -> server.received() == 4 && proxy.stats().droppedFromTarget() == 4);
            assertThat(client.available()).isZero();
        }
    }

    @Test
    void resetClosesOpenConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
        try (LineClient open = new LineClient(proxy.address())) {
            open.roundTrip("hi");

            proxy.reset();

            assertThat(open.isCut()).isTrue();
        }
        assertRefused(proxy.address());
        assertThat(proxy.stats().refused()).isEqualTo(1);
        assertThat(proxy.isResetting()).isTrue();

        proxy.pass();

        try (LineClient healed = new LineClient(proxy.address())) {
            assertThat(healed.roundTrip("back")).isEqualTo("back");
        }
    }

    @Test
    void delayAddsLatencyToEachDirection() throws IOException {
        try (LineClient client = new LineClient(proxy.address())) {
            proxy.delay(Duration.ofMillis(150));

            long started = System.nanoTime();
            assertThat(client.roundTrip("slow")).isEqualTo("slow");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void switchingModesUnderTrafficNeverReordersOrLosesBytes() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        try (LineClient client = new LineClient(proxy.address())) {
            CompletableFuture<Integer> traffic = CompletableFuture.supplyAsync(() -> {
                int trips = 0;
                try {
                    while (running.get() || trips < 50) {
                        String message = "message-" + trips + ";";
                        client.send(message);
                        assertThat(client.read(message.length())).isEqualTo(message);
                        trips++;
                    }
                }
                catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
                return trips;
            });
            for (int i = 0; i < 200; i++) {
                if (i % 2 == 0) {
                    proxy.delay(Direction.values()[i % 4 / 2], Duration.ofMillis(i % 3));
                }
                else {
                    proxy.pass();
                }
            }
            running.set(false);

            assertThat(traffic.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void closeReleasesThePortConnectionsAndThreads() throws IOException {
        LineClient client = new LineClient(proxy.address());
        client.roundTrip("hi");
        String threadPrefix = "tcp-proxy-" + proxy.port() + "-";
        assertThat(proxyThreads(threadPrefix)).isGreaterThan(0);

        proxy.close();

        assertThat(client.isCut()).isTrue();
        assertThat(proxyThreads(threadPrefix)).isZero();
        assertThatThrownBy(() -> new LineClient(proxy.address())).isInstanceOf(ConnectException.class);
        client.close();
    }

    @Test
    void aTargetThatIsDownResetsTheClient() throws IOException {
        InetSocketAddress nobody;
        try (ServerSocket closedAgain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedAgain.getLocalPort());
        }
        try (TcpProxy toNobody = TcpProxy.start(nobody)) {
            assertRefused(toNobody.address());
        }
    }

    /** The reset may reach the client while it connects, or on its first read. */
    private static void assertRefused(InetSocketAddress address) {
        try (LineClient refused = new LineClient(address)) {
            assertThat(refused.isCut()).as("a new connection is reset").isTrue();
        }
        catch (IOException ex) {
            assertThat(ex).hasMessageContaining("reset");
        }
    }

    private static long proxyThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive()).count();
    }
}
