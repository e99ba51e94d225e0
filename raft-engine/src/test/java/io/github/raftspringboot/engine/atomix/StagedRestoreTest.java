package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.service.impl.DefaultBackupInput;
import io.atomix.primitive.service.impl.DefaultBackupOutput;
import io.atomix.primitive.service.impl.DefaultCommit;
import io.atomix.storage.buffer.HeapBuffer;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.ReplicatedStateMachine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replicated restore on {@link StateMachineService}, without a cluster: entries applied in log order, and
 * Atomix snapshots taken and installed in the middle of a restore.
 */
class StagedRestoreTest {

    private static final String RESTORE = "restore-1";

    private final byte[] backup = "the restored state, long enough for three chunks".getBytes(StandardCharsets.UTF_8);

    private final List<byte[]> entries = List.of(RestoreEntries.beginEntry(RESTORE, backup),
            RestoreEntries.chunkEntry(RESTORE, 0, backup, 0, 20), RestoreEntries.chunkEntry(RESTORE, 1, backup, 20, 20),
            RestoreEntries.chunkEntry(RESTORE, 2, backup, 40, backup.length - 40),
            RestoreEntries.commitEntry(RESTORE));

    private final List<OperationId> operations = List.of(StagedRestore.BEGIN, StagedRestore.CHUNK,
            StagedRestore.CHUNK, StagedRestore.CHUNK, StagedRestore.COMMIT);

    @Test
    void aCommitReplacesTheStateOnceEveryChunkIsStaged() {
        Node node = new Node("old state");
        for (int i = 0; i < 4; i++) {
            assertThat(node.apply(i + 1, operations.get(i), entries.get(i))).isEmpty();
            assertThat(node.state()).as("readers see the old state until the commit").isEqualTo("old state");
        }
        assertThat(node.apply(5, StagedRestore.COMMIT, entries.get(4))).isEmpty();
        assertThat(node.state()).isEqualTo(new String(backup, StandardCharsets.UTF_8));
        assertThat(node.applied.get()).isEqualTo(5);
    }

    @Test
    void aRestoreCountsAsStagingFromItsBeginUntilItsCommitWhileItsChunksKeepComing() {
        // Snapshots are put off while it does (Snapshots): a snapshot would copy the chunks staged so far.
        Node node = new Node("old state");
        java.time.Duration window = java.time.Duration.ofMinutes(10);
        assertThat(node.service.restoreStagedWithin(window)).as("before the restore").isFalse();
        for (int i = 0; i < 4; i++) {
            node.apply(i + 1, operations.get(i), entries.get(i));
            assertThat(node.service.restoreStagedWithin(window)).as("after entry %d", i + 1).isTrue();
            assertThat(node.service.restoreStagedWithin(java.time.Duration.ZERO))
                .as("silent for longer than the window (abandoned)").isFalse();
        }
        node.apply(5, StagedRestore.COMMIT, entries.get(4));
        assertThat(node.service.restoreStagedWithin(window)).as("after the commit").isFalse();
    }

    @Test
    void aNodeThatInstallsASnapshotTakenMidRestoreEndsWithTheSameState() {
        Node leader = new Node("old state");
        leader.apply(1, operations.get(0), entries.get(0));
        leader.apply(2, operations.get(1), entries.get(1));
        byte[] snapshot = leader.snapshot();

        Node restarted = new Node("anything");
        restarted.install(snapshot);
        assertThat(restarted.state()).isEqualTo("old state");
        for (int i = 2; i < 5; i++) {
            assertThat(leader.apply(i + 1, operations.get(i), entries.get(i))).isEmpty();
            assertThat(restarted.apply(i + 1, operations.get(i), entries.get(i))).isEmpty();
        }
        assertThat(restarted.state()).isEqualTo(leader.state()).isEqualTo(new String(backup, StandardCharsets.UTF_8));
    }

    @Test
    void aSnapshotWithoutAStagingSectionRestoresWithNothingStaged() {
        Node node = new Node("kept");
        node.apply(1, operations.get(0), entries.get(0));
        HeapBuffer buffer = HeapBuffer.allocate();
        DefaultBackupOutput output = new DefaultBackupOutput(buffer, node.service.serializer());
        output.writeInt(0);
        byte[] state = "older snapshot".getBytes(StandardCharsets.UTF_8);
        output.writeInt(state.length).write(state);
        buffer.flip();
        node.service.restore(new DefaultBackupInput(buffer, node.service.serializer()));

        assertThat(node.state()).isEqualTo("older snapshot");
        assertThat(text(node.apply(2, StagedRestore.COMMIT, entries.get(4)))).contains("restore-1 is unknown");
    }

    @Test
    void aCommitOfAnUnknownOrIncompleteRestoreFailsAndChangesNothing() {
        Node node = new Node("kept");
        assertThat(text(node.apply(1, StagedRestore.COMMIT, entries.get(4)))).contains("is unknown")
            .contains("nothing was changed");
        node.apply(2, operations.get(0), entries.get(0));
        node.apply(3, operations.get(1), entries.get(1));
        assertThat(text(node.apply(4, StagedRestore.COMMIT, entries.get(4)))).contains("incomplete: 20 of 48 bytes");
        assertThat(text(node.apply(5, StagedRestore.CHUNK, entries.get(3)))).contains("chunk 2 arrived, chunk 1 was "
                + "expected");
        assertThat(node.apply(5, StagedRestore.CHUNK, entries.get(1))).as("a staged chunk sent again after a leader "
                + "change is accepted without effect").isEmpty();
        assertThat(node.state()).isEqualTo("kept");

        node.apply(6, StagedRestore.BEGIN, RestoreEntries.beginEntry("restore-2", backup));
        assertThat(text(node.apply(7, StagedRestore.CHUNK, entries.get(2)))).contains("restore-1 is unknown")
            .contains("(restore-2)");
        assertThat(node.state()).isEqualTo("kept");
    }

    @Test
    void aBeginOrCommitSentAgainAfterItsAnswerWasLostIsAcceptedWithoutEffect() {
        Node node = new Node("old state");
        node.apply(1, operations.get(0), entries.get(0));
        node.apply(2, operations.get(1), entries.get(1));
        assertThat(node.apply(3, StagedRestore.BEGIN, entries.get(0))).as("BEGIN again keeps the staged chunk")
            .isEmpty();
        node.apply(4, operations.get(2), entries.get(2));
        node.apply(5, operations.get(3), entries.get(3));
        assertThat(node.apply(6, StagedRestore.COMMIT, entries.get(4))).isEmpty();
        String restored = new String(backup, StandardCharsets.UTF_8);
        assertThat(node.state()).isEqualTo(restored);

        Node installed = new Node("anything");
        installed.install(node.snapshot());
        for (Node each : List.of(node, installed)) {
            assertThat(each.apply(7, StagedRestore.COMMIT, entries.get(4))).as("COMMIT again is answered as done")
                .isEmpty();
            assertThat(each.apply(8, StagedRestore.BEGIN, entries.get(0))).isEmpty();
            assertThat(each.state()).isEqualTo(restored);
        }
    }

    @Test
    void aCommitOfBytesThatDoNotMatchTheChecksumChangesNothing() {
        Node node = new Node("kept");
        byte[] other = backup.clone();
        other[0] = 'X';
        node.apply(1, StagedRestore.BEGIN, RestoreEntries.beginEntry(RESTORE, backup));
        node.apply(2, StagedRestore.CHUNK, RestoreEntries.chunkEntry(RESTORE, 0, other, 0, other.length));
        assertThat(text(node.apply(3, StagedRestore.COMMIT, entries.get(4)))).contains("checksum mismatch");
        assertThat(node.state()).isEqualTo("kept");
    }

    @Test
    void aBackupQueryAnswersTheIndexAndTheState() {
        Node node = new Node("current");
        byte[] reply = node.service.apply(new DefaultCommit<>(7, StateMachineService.BACKUP, new byte[0], null, 0));
        ByteBuffer buffer = ByteBuffer.wrap(reply);
        assertThat(buffer.getLong()).isEqualTo(7);
        assertThat(new String(reply, 8, reply.length - 8, StandardCharsets.UTF_8)).isEqualTo("current");
    }

    private static String text(byte[] result) {
        return new String(result, StandardCharsets.UTF_8);
    }

    /** One node's service over a state machine whose whole state is one string. */
    private static final class Node {

        final StringStateMachine stateMachine;

        final AppliedIndexTracker applied = new AppliedIndexTracker();

        final StateMachineService service;

        Node(String state) {
            stateMachine = new StringStateMachine(state);
            service = new StateMachineService(stateMachine,
                    new PeerDirectory("n", "127.0.0.1:1", List.of()), applied, failure -> {
                        throw failure;
                    }, new EngineMeasurements(), spool(), new LongOperations(), null, () -> true);
        }

        private static BackupSpool spool() {
            try {
                java.nio.file.Path directory = java.nio.file.Files.createTempDirectory("staged-restore-test");
                directory.toFile().deleteOnExit();
                return new BackupSpool(directory, "n", true);
            }
            catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }

        String state() {
            return stateMachine.state;
        }

        byte[] apply(long index, OperationId operation, byte[] payload) {
            byte[] reply = service.apply(new DefaultCommit<>(index, operation, payload, null, 0));
            return java.util.Arrays.copyOfRange(reply, Long.BYTES, reply.length);
        }

        byte[] snapshot() {
            HeapBuffer buffer = HeapBuffer.allocate();
            service.backup(new DefaultBackupOutput(buffer, service.serializer()));
            buffer.flip();
            byte[] bytes = new byte[(int) buffer.remaining()];
            buffer.read(bytes);
            return bytes;
        }

        void install(byte[] snapshot) {
            service.restore(new DefaultBackupInput(HeapBuffer.wrap(snapshot), service.serializer()));
        }
    }

    private static final class StringStateMachine implements ReplicatedStateMachine {

        volatile String state;

        StringStateMachine(String state) {
            this.state = state;
        }

        @Override
        public byte[] apply(long index, byte[] command) {
            return new byte[0];
        }

        @Override
        public String validate(byte[] command) {
            return null;
        }

        @Override
        public byte[] query(byte[] query) {
            return state.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void snapshot(OutputStream out) throws IOException {
            out.write(state.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void restore(InputStream in) throws IOException {
            state = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
