package io.github.raftspringboot.engine.atomix;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17: while 1 M keys were loaded in large batches, followers started elections (2-8 leader changes). A
 * follower's Raft thread writes and syncs each append before it answers; Atomix's leader sends no heartbeat to a
 * follower while an append to it is unanswered, and the follower's election timer, reset before the sync, runs out
 * during it. Here both followers take 1.2 s (more than the longest election timer, 2 x 500 ms) to sync every append
 * with entries, on their Raft thread, with the default timings: the leader must stay the leader throughout.
 */
class SlowFollowerAppendTest {

    private static final long SYNC_MILLIS = 1200;

    @TempDir
    Path dir;

    @Test
    void followersSlowToSyncLargeAppendsDoNotDeposeTheLeader() {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of())) {
            String leader = cluster.awaitLeader();
            cluster.store(leader).put("warm-up", "v");
            long term = cluster.node(leader).status().term();
            AtomicBoolean slow = new AtomicBoolean(true);
            for (String follower : cluster.running()) {
                if (!follower.equals(leader)) {
                    AtomixMember member = ((AtomixRaftEngine) cluster.node(follower)).member();
                    member.transport.<AppendRequest, AppendResponse>decorateHandler(AppendRequest.class,
                            handler -> slowSync(handler, slow));
                }
            }
            try {
                for (int i = 0; i < 6; i++) {
                    cluster.store(leader).put("key-" + i, "x".repeat(200_000));
                }
            }
            finally {
                slow.set(false);
            }
            for (String id : cluster.running()) {
                assertThat(cluster.node(id).status().term()).as("the term on %s", id).isEqualTo(term);
                // A follower whose timer ran out forgets the leader until its next heartbeat.
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cluster.node(id).status().leader())
                    .as("the leader known to %s", id).extracting(RaftServerInfo::id).isEqualTo(leader));
            }
        }
    }

    /** Stands for a slow disk: a long sync on the Raft thread after each append with entries is written. */
    private static Function<AppendRequest, CompletableFuture<AppendResponse>> slowSync(
            Function<AppendRequest, CompletableFuture<AppendResponse>> handler, AtomicBoolean slow) {
        return request -> handler.apply(request).thenApply(response -> {
            if (slow.get() && !request.entries().isEmpty()) {
                try {
                    Thread.sleep(SYNC_MILLIS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            return response;
        });
    }
}
