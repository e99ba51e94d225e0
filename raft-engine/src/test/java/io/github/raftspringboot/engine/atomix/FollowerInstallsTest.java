package io.github.raftspringboot.engine.atomix;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.atomix.protocols.raft.protocol.InstallResponse;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import io.atomix.protocols.raft.storage.snapshot.SnapshotReader;
import org.junit.jupiter.api.Test;

import static io.github.raftspringboot.engine.atomix.InJvmEngineCluster.onRaftThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a follower takes a leader's snapshot chunks ({@link FollowerInstalls}). Given the first chunk of a snapshot it
 * has partly received, it starts over: the snapshot it completes holds the chunks sent after that first chunk, not
 * the ones received before (Atomix's follower answered the chunks it already had by their number and kept the old
 * ones, so a snapshot sent again, by another leader or in chunks of another size, came out as a mix of the two).
 * Given a snapshot at the index it has applied, it installs nothing (Atomix installed it, and the node could be
 * taking its own snapshot at that index, in the same file).
 */
class FollowerInstallsTest {

    @Test
    void aFirstChunkDropsWhatWasReceivedBeforeIt() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, Duration.ofMillis(500))) {
            AtomixRaftEngine leader = cluster.awaitLeader();
            AtomixRaftEngine follower = cluster.engines().values().stream()
                .filter(engine -> engine != leader)
                .findFirst()
                .orElseThrow();
            RaftContext context = follower.member().context;
            GrpcRaftTransport transport = follower.member().transport;
            long term = onRaftThread(context, context::getTerm);
            // Past anything applied, so the follower does not skip it; never applied, as nothing is written.
            long index = onRaftThread(context, context::getLastApplied) + 1_000;
            InstallTo sender = new InstallTo(transport, leader.member().context, term, index);

            assertThat(sender.chunk(0, "first send, chunk 0;", false)).isEqualTo(RaftResponse.Status.OK);
            assertThat(sender.chunk(1, "first send, chunk 1;", false)).isEqualTo(RaftResponse.Status.OK);
            // Sent again from the start, as a leader does after a failed send.
            assertThat(sender.chunk(0, "second send, chunk 0;", false)).isEqualTo(RaftResponse.Status.OK);
            assertThat(sender.chunk(1, "second send, chunk 1", true)).isEqualTo(RaftResponse.Status.OK);

            Snapshot received = context.getSnapshotStore().getSnapshot(index);
            assertThat(received).as("the snapshot completed by the second send's last chunk").isNotNull();
            try (SnapshotReader reader = received.openReader()) {
                byte[] data = new byte[reader.remaining()];
                reader.read(data);
                assertThat(new String(data, StandardCharsets.UTF_8))
                    .isEqualTo("second send, chunk 0;".repeat(100) + "second send, chunk 1".repeat(100));
            }
        }
    }

    @Test
    void aSnapshotAtTheAppliedIndexIsNotInstalled() throws Exception {
        try (InJvmEngineCluster cluster = InJvmEngineCluster.start(3, Duration.ofMillis(500))) {
            AtomixRaftEngine leader = cluster.awaitLeader();
            long written = leader.submit(new byte[] { 1 }).get(30, TimeUnit.SECONDS).index();
            AtomixRaftEngine follower = cluster.engines().values().stream()
                .filter(engine -> engine != leader)
                .findFirst()
                .orElseThrow();
            RaftContext context = follower.member().context;
            await().atMost(Duration.ofSeconds(30)).until(() -> context.getLastApplied() >= written);
            long term = onRaftThread(context, context::getTerm);
            long index = onRaftThread(context, context::getLastApplied);
            InstallTo sender = new InstallTo(follower.member().transport, leader.member().context, term, index);

            assertThat(sender.chunk(0, "chunk 0;", false)).isEqualTo(RaftResponse.Status.OK);
            assertThat(sender.chunk(1, "chunk 1", true)).isEqualTo(RaftResponse.Status.OK);

            assertThat(context.getSnapshotStore().getSnapshot(index)).as("a snapshot installed at the applied index")
                .isNull();
        }
    }

    /** Install requests delivered to one node's handler, as if from the leader. */
    private record InstallTo(GrpcRaftTransport transport, RaftContext leader, long term, long index) {

        /** Sends {@code data} a hundred times over as chunk {@code offset}. */
        RaftResponse.Status chunk(int offset, String data, boolean complete) throws Exception {
            InstallRequest request = InstallRequest.builder()
                .withTerm(term)
                .withLeader(leader.getCluster().getMember().memberId())
                .withIndex(index)
                .withTimestamp(System.currentTimeMillis())
                .withVersion(1)
                .withOffset(offset)
                .withData(data.repeat(100).getBytes(StandardCharsets.UTF_8))
                .withComplete(complete)
                .build();
            InstallResponse response = transport.<InstallRequest, InstallResponse>local(request)
                .get(10, TimeUnit.SECONDS);
            return response.status();
        }
    }
}
