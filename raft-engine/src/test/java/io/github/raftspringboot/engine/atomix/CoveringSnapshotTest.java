package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A snapshot asked for holds what the node had applied when asked, also when Atomix's compaction takes none because no
 * whole log segment lies below the applied index (here the log has a single segment): Atomix's {@code compact()} then
 * hands back at once and the newest snapshot stays at 0.
 */
class CoveringSnapshotTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    @Test
    void aSnapshotHoldsWhatWasAppliedWhenAskedThoughNoSegmentCanBeCompacted() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, ELECTION_TIMEOUT)) {
            AtomixRaftEngine leader = cluster.awaitLeader();
            AtomixRaftEngine follower = cluster.engines().values().stream().filter(engine -> engine != leader)
                .findFirst()
                .orElseThrow();
            for (int round = 1; round <= 2; round++) {
                long written = 0;
                for (int i = 0; i < 3; i++) {
                    written = leader.submit(new byte[] { (byte) i }).get(30, TimeUnit.SECONDS).index();
                }
                long committed = written;
                await().atMost(Duration.ofSeconds(30)).until(() -> follower.appliedIndex() >= committed);
                long applied = follower.appliedIndex();

                long index = follower.snapshot().get(30, TimeUnit.SECONDS);

                assertThat(index).as("the snapshot of round %d, asked once index %d had applied", round, applied)
                    .isGreaterThanOrEqualTo(applied);
                assertThat(follower.status().lastSnapshotIndex()).as("the node's newest snapshot")
                    .isGreaterThanOrEqualTo(index);
            }
        }
    }
}
