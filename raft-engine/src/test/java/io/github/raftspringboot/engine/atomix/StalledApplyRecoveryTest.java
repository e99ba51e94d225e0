package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.atomix.protocols.raft.impl.RaftContext;
import org.junit.jupiter.api.Test;

import static io.github.raftspringboot.engine.atomix.InJvmEngineCluster.onRaftThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follower whose state machine manager passed over a committed index (as Atomix's does when its reader cannot read
 * the entry at that moment) applies it, and everything after it, again: without the recovery it stops for good while
 * its commit index goes on.
 */
class StalledApplyRecoveryTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    @Test
    void aFollowerThatPassedOverACommittedIndexAppliesItAndTheRestInOrder() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, ELECTION_TIMEOUT)) {
            AtomixRaftEngine leader = cluster.awaitLeader();
            AtomixRaftEngine follower = cluster.engines().values().stream().filter(engine -> engine != leader)
                .findFirst()
                .orElseThrow();
            long first = leader.submit(new byte[] { 1 }).get(30, TimeUnit.SECONDS).index();
            RaftContext context = follower.member().context;
            await().atMost(Duration.ofSeconds(30)).until(() -> onRaftThread(context, context::getLastApplied) >= first);

            // The next committed index is passed over, as when Atomix's reader could not read it.
            CompletableFuture<Void> passedOver = new CompletableFuture<>();
            context.getThreadContext().execute(() -> {
                try {
                    StalledApplyRecovery.passOverNextIndex(context);
                    passedOver.complete(null);
                }
                catch (ReflectiveOperationException | RuntimeException ex) {
                    passedOver.completeExceptionally(ex);
                }
            });
            passedOver.get(10, TimeUnit.SECONDS);
            long last = 0;
            for (int i = 0; i < 3; i++) {
                last = leader.submit(new byte[] { 2 }).get(30, TimeUnit.SECONDS).index();
            }
            long committed = last;

            // Applied again after about an election timeout (the wait is generous for a loaded machine).
            await().atMost(Duration.ofSeconds(30))
                .until(() -> onRaftThread(context, context::getLastApplied) >= committed);
        }
    }

}
