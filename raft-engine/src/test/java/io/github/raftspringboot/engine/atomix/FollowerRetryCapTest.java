package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leader keeps trying a follower it cannot reach at every heartbeat. Atomix's own leader backs off after five
 * failures in a row (heartbeat × 2^failures since the first one: 3.2 s, then 6.4 s, ... with the 100 ms heartbeat
 * here), so a follower that comes back within that time heard nothing from it until the next try.
 */
class FollowerRetryCapTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    @Test
    void theLeaderKeepsConnectingToAStoppedFollowerEveryHeartbeat() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, ELECTION_TIMEOUT)) {
            String leader = cluster.awaitLeader().nodeId();
            String follower = cluster.engines().keySet().stream().filter(id -> !id.equals(leader)).findFirst()
                .orElseThrow();
            int port = cluster.engines().get(follower).member().settings.bindPort();
            cluster.engines().get(follower).close();

            // The follower's port now accepts and drops every connection: each is one try of the leader.
            AtomicInteger tries = new AtomicInteger();
            try (ServerSocket stand = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                Thread acceptor = new Thread(() -> acceptAndDrop(stand, tries), "follower-stand-in");
                acceptor.setDaemon(true);
                acceptor.start();
                // Five failures (Atomix's backoff threshold) come within the first heartbeats; tries must go on.
                await().atMost(Duration.ofSeconds(30)).until(() -> tries.get() >= 8);
                int before = tries.get();
                // Atomix would now try next 3.2 s after the first failure; each heartbeat (100 ms) tries instead.
                await().atMost(Duration.ofSeconds(3)).until(() -> tries.get() >= before + 5);
            }
        }
    }

    private static void acceptAndDrop(ServerSocket stand, AtomicInteger tries) {
        while (!stand.isClosed()) {
            try (Socket ignored = stand.accept()) {
                tries.incrementAndGet();
            }
            catch (IOException ex) {
                return; // closed by the test
            }
        }
    }
}
