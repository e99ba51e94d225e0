package io.github.raftspringboot.engine.atomix;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.atomix.protocols.raft.impl.RaftContext;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.ReplicatedStateMachine;

import static io.github.raftspringboot.engine.atomix.InJvmEngineCluster.onRaftThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An asked snapshot ({@link Snapshots}) is taken at once, not after Atomix's 10 s completion delay, the log is
 * compacted up to it when it completes, the state machine does not read it again when the next entry is applied
 * ({@link StateMachineService}: Atomix reloads its current snapshot before the entry right after it, which for a
 * large state held the state machine for seconds after every snapshot on an idle node), and the followers, which had
 * every entry, are not sent the snapshot ({@link SnapshotInstalls}).
 */
class SnapshotsTest {

    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(500);

    /** Small segments, so that the log has several and compaction can delete some. */
    private static final int SEGMENT_SIZE = 64 * 1024;

    /** Atomix holds each of its snapshots this long before it completes it. */
    private static final Duration ATOMIX_COMPLETION_DELAY = Duration.ofSeconds(10);

    @Test
    void aSnapshotIsTakenAtOnceCompactsTheLogAndIsNotReadAgainByTheNextEntry() throws Exception {
        List<CountingStateMachine> stateMachines = new ArrayList<>();
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, ELECTION_TIMEOUT, SEGMENT_SIZE, () -> {
            CountingStateMachine stateMachine = new CountingStateMachine();
            stateMachines.add(stateMachine);
            return stateMachine;
        })) {
            AtomixRaftEngine leader = cluster.awaitLeader();
            long written = 0;
            for (int i = 0; i < 40; i++) {
                written = leader.submit(new byte[8 * 1024]).get(30, TimeUnit.SECONDS).index();
            }
            long committed = written;
            RaftContext context = leader.member().context;
            await().atMost(Duration.ofSeconds(30)).until(() -> leader.appliedIndex() >= committed);
            assertThat(onRaftThread(context, () -> context.getLog().isCompactable(committed) ? 1 : 0))
                .as("whole log segments below the applied index before the snapshot").isEqualTo(1);
            // The engines are created in order, each with the next state machine.
            CountingStateMachine stateMachine = stateMachines
                .get(new ArrayList<>(cluster.engines().values()).indexOf(leader));
            int readsBefore = stateMachine.restores.get();

            long asked = System.nanoTime();
            long index = leader.snapshot().get(30, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - asked);

            assertThat(index).as("the snapshot's index").isGreaterThanOrEqualTo(committed);
            assertThat(took).as("the time to the snapshot (Atomix's compaction waited %s)", ATOMIX_COMPLETION_DELAY)
                .isLessThan(ATOMIX_COMPLETION_DELAY);
            assertThat(onRaftThread(context, () -> context.getLog().isCompactable(index) ? 1 : 0))
                .as("whole log segments below the snapshot's index once it is taken").isZero();

            long next = leader.submit(new byte[] { 1 }).get(30, TimeUnit.SECONDS).index();
            await().atMost(Duration.ofSeconds(30)).until(() -> leader.appliedIndex() >= next);
            assertThat(stateMachine.restores.get()).as("snapshots the leader's state machine read").isEqualTo(readsBefore);
            // The followers had every entry: they get entries, not the leader's snapshot.
            for (AtomixRaftEngine engine : cluster.engines().values()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> engine.appliedIndex() >= next);
            }
            assertThat(stateMachines).as("snapshots each node's state machine read")
                .allSatisfy(machine -> assertThat(machine.restores.get()).isZero());
            assertThat(stateMachine.applied.get()).as("commands applied by the leader's state machine").isEqualTo(41);
        }
    }

    /** Counts its commands; its snapshot is that count, and it counts the snapshots it reads. */
    private static final class CountingStateMachine implements ReplicatedStateMachine {

        final AtomicLong applied = new AtomicLong();

        final AtomicInteger restores = new AtomicInteger();

        @Override
        public byte[] apply(long index, byte[] command) {
            applied.incrementAndGet();
            return new byte[0];
        }

        @Override
        public String validate(byte[] command) {
            return null;
        }

        @Override
        public byte[] query(byte[] query) {
            return new byte[0];
        }

        @Override
        public void snapshot(OutputStream out) throws IOException {
            new DataOutputStream(out).writeLong(applied.get());
        }

        @Override
        public void restore(InputStream in) throws IOException {
            applied.set(new DataInputStream(in).readLong());
            restores.incrementAndGet();
        }
    }
}
