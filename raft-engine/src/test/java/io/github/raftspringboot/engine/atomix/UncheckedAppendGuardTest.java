package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import org.junit.jupiter.api.Test;

import static io.github.raftspringboot.engine.atomix.InJvmEngineCluster.onRaftThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follower takes the leader's commit index only for entries it has checked: an append whose previous entry comes
 * without a term (as Atomix's leader sends when its reader for the follower holds no entry) is refused unless this
 * node has committed, or holds a snapshot of, everything up to that entry. Without the guard, Atomix's follower
 * answers such an append with success and commits up to its index, past the end of its own log here.
 */
class UncheckedAppendGuardTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    @Test
    void onlyAnUncheckedPreviousEntryBeyondWhatIsCommittedOrSnapshottedIsRefused() {
        assertThat(UncheckedAppendGuard.uncheckable(10, 0, 5, 0)).as("unchecked, beyond commit and snapshot").isTrue();
        assertThat(UncheckedAppendGuard.uncheckable(10, 0, 5, 9)).as("the snapshot stops short of it").isTrue();
        assertThat(UncheckedAppendGuard.uncheckable(10, 0, 10, 0)).as("committed here already").isFalse();
        assertThat(UncheckedAppendGuard.uncheckable(10, 0, 3, 10)).as("covered by this node's snapshot").isFalse();
        assertThat(UncheckedAppendGuard.uncheckable(10, 2, 5, 0)).as("a previous entry with a term is checked")
            .isFalse();
        assertThat(UncheckedAppendGuard.uncheckable(0, 0, 0, 0)).as("the start of the log").isFalse();
    }

    @Test
    void aFollowerRefusesToCommitEntriesItCouldNotCheckAndAcceptsThoseItHasCommitted() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, ELECTION_TIMEOUT)) {
            AtomixRaftEngine leader = cluster.awaitLeader();
            long written = 0;
            for (int i = 0; i < 3; i++) {
                written = leader.submit(new byte[] { (byte) i }).get(30, TimeUnit.SECONDS).index();
            }
            long committed = written;
            AtomixMember follower = cluster.engines().values().stream().filter(engine -> engine != leader)
                .findFirst()
                .orElseThrow()
                .member();
            RaftContext context = follower.context;
            await().atMost(Duration.ofSeconds(30))
                .until(() -> onRaftThread(context, context::getCommitIndex) >= committed);
            long lastIndex = onRaftThread(context, () -> context.getLogWriter().getLastIndex());
            AppendRequest unchecked = emptyAppend(leader, context.getTerm(), lastIndex + 5, lastIndex + 5);

            AppendResponse refusal = follower.transport.<AppendRequest, AppendResponse>local(unchecked)
                .get(10, TimeUnit.SECONDS);

            assertThat(refusal.succeeded())
                .as("the answer to an append whose entries up to %d the follower cannot check", lastIndex + 5)
                .isFalse();
            assertThat(follower.hooks.uncheckedAppends.refused()).as("appends refused by the guard").isEqualTo(1);
            assertThat(onRaftThread(context, context::getCommitIndex)).as("the follower's commit index")
                .isLessThanOrEqualTo(onRaftThread(context, () -> context.getLogWriter().getLastIndex()));

            long commitIndex = onRaftThread(context, context::getCommitIndex);
            AppendRequest known = emptyAppend(leader, context.getTerm(), commitIndex, commitIndex);
            AppendResponse accepted = follower.transport.<AppendRequest, AppendResponse>local(known)
                .get(10, TimeUnit.SECONDS);
            assertThat(accepted.succeeded()).as("the answer to an append whose previous entry is committed here")
                .isTrue();
            assertThat(follower.hooks.uncheckedAppends.refused()).as("appends refused by the guard").isEqualTo(1);
        }
    }

    /** An empty append of the leader whose previous entry comes without a term. */
    private static AppendRequest emptyAppend(AtomixRaftEngine leader, long term, long prevLogIndex, long commitIndex) {
        return AppendRequest.builder()
            .withTerm(term)
            .withLeader(leader.member().context.getCluster().getMember().memberId())
            .withPrevLogIndex(prevLogIndex)
            .withPrevLogTerm(0)
            .withEntries(Collections.emptyList())
            .withCommitIndex(commitIndex)
            .build();
    }

}
