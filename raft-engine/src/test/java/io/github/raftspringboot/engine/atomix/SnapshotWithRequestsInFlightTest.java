package io.github.raftspringboot.engine.atomix;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.RaftRole;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots taken on the leader while its own client session has writes and linearizable queries in flight. Atomix
 * installed each snapshot again on the node that took it, before the next entry, and that install replaced the
 * session objects: a query that was waiting there for the session's earlier writes never ran, and failed with the
 * request timeout (10 s here), as did writes the leader then held as out of order. {@link ChecksummedSnapshotStore}
 * keeps a node from installing its own snapshot.
 */
class SnapshotWithRequestsInFlightTest {

    private static final int ROUNDS = 12;

    private static final int PER_ROUND = 16;

    @Test
    void requestsInFlightDuringSnapshotsAllComplete() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, Duration.ofMillis(500))) {
            AtomixRaftEngine leader = cluster.awaitLeader();
            long lastSnapshot = leader.submit(new byte[] { 1 }).get(30, TimeUnit.SECONDS).index() - 1;
            for (int round = 0; round < ROUNDS; round++) {
                List<CompletableFuture<?>> calls = new ArrayList<>();
                for (int i = 0; i < PER_ROUND; i++) {
                    calls.add(leader.submit(("w" + round + "-" + i).getBytes(StandardCharsets.UTF_8)));
                    // A query carries the sequence of the writes sent before it, and waits in the session for them.
                    calls.add(leader.linearizableQuery(new byte[0]));
                }
                long snapshot = leader.snapshot().get(30, TimeUnit.SECONDS);
                assertThat(snapshot).isGreaterThan(lastSnapshot);
                lastSnapshot = snapshot;
                for (int i = 0; i < PER_ROUND; i++) {
                    calls.add(leader.submit(("after" + round + "-" + i).getBytes(StandardCharsets.UTF_8)));
                    calls.add(leader.linearizableQuery(new byte[0]));
                }
                for (CompletableFuture<?> call : calls) {
                    // Fails with TIMEOUT after the request timeout when a snapshot install lost the request.
                    call.get(30, TimeUnit.SECONDS);
                }
            }
            assertThat(leader.status().role()).as("the same leader throughout").isEqualTo(RaftRole.LEADER);
        }
    }
}
