package io.github.raftspringboot.test.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three echo servers stand for three nodes; node i reaches node j through {@code peerAddress(i, j)}. */
class NetworkPartitionerTest {

    private final List<EchoServer> nodes = new ArrayList<>();

    private NetworkPartitioner network;

    @BeforeEach
    void start() throws IOException {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EchoServer node = new EchoServer();
            nodes.add(node);
            addresses.add(node.address());
        }
        network = NetworkPartitioner.start(addresses);
    }

    @AfterEach
    void stop() throws IOException {
        network.close();
        for (EchoServer node : nodes) {
            node.close();
        }
    }

    @Test
    void eachDirectedLinkHasItsOwnProxyToItsTarget() {
        assertThat(network.link(0, 1).target()).isEqualTo(nodes.get(1).address());
        assertThat(network.link(2, 1).target()).isEqualTo(nodes.get(1).address());
        assertThat(network.peerAddress(0, 1)).isNotEqualTo(network.peerAddress(2, 1));
        assertThatThrownBy(() -> network.link(1, 1)).hasMessageContaining("does not dial itself");
    }

    @Test
    void oneWayCutsRequestsOnOneLinkAndResponsesOnTheReverseLink() {
        network.oneWay(0, 1);

        assertThat(network.link(0, 1).flow(Direction.TO_TARGET)).isEqualTo(Flow.drop());
        assertThat(network.link(0, 1).flow(Direction.FROM_TARGET)).isEqualTo(Flow.pass());
        assertThat(network.link(1, 0).flow(Direction.TO_TARGET)).isEqualTo(Flow.pass());
        assertThat(network.link(1, 0).flow(Direction.FROM_TARGET)).isEqualTo(Flow.drop());
        assertThat(network.link(1, 2).flow(Direction.TO_TARGET)).isEqualTo(Flow.pass());
    }

    @Test
    void isolatedNodeNeitherReachesNorIsReachedWhileTheOthersTalk() throws IOException {
        try (LineClient zeroToTwo = new LineClient(network.peerAddress(0, 2));
                LineClient twoToZero = new LineClient(network.peerAddress(2, 0))) {
            network.isolate(2);

            try (LineClient zeroToOne = new LineClient(network.peerAddress(0, 1))) {
                assertThat(zeroToOne.roundTrip("majority")).isEqualTo("majority");
            }
            zeroToTwo.send("to-isolated");
            twoToZero.send("from-isolated");
            await().until(() -> network.link(0, 2).stats().droppedToTarget() == 11
                    && network.link(2, 0).stats().droppedToTarget() == 13);
            assertThat(nodes.get(2).received()).isZero();
            assertThat(network.current().toString()).startsWith("isolate 2");

            network.heal();

            assertThat(zeroToTwo.isCut()).as("a connection that lost bytes is reset").isTrue();
        }
        try (LineClient healed = new LineClient(network.peerAddress(0, 2))) {
            assertThat(healed.roundTrip("healed")).isEqualTo("healed");
        }
    }

    @Test
    void splitKeepsEachSideConnected() throws IOException {
        network.split(List.of(0));

        try (LineClient oneToTwo = new LineClient(network.peerAddress(1, 2))) {
            assertThat(oneToTwo.roundTrip("same side")).isEqualTo("same side");
        }
        for (int other : new int[] { 1, 2 }) {
            assertThat(network.link(0, other).flow(Direction.TO_TARGET).dropping()).isTrue();
            assertThat(network.link(other, 0).flow(Direction.TO_TARGET).dropping()).isTrue();
        }
    }

    @Test
    void closeReleasesEveryLinkPort() {
        InetSocketAddress link = network.peerAddress(1, 0);

        network.close();

        assertThatThrownBy(() -> new LineClient(link)).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void shapesForAnotherClusterSizeAreRefused() {
        assertThatThrownBy(() -> network.apply(Connectivity.full(5)))
                .hasMessageContaining("5 nodes cannot apply to 3");
    }
}
