package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.protocols.raft.storage.RaftStorage;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import io.atomix.protocols.raft.storage.snapshot.SnapshotReader;
import io.atomix.protocols.raft.storage.snapshot.SnapshotStore;
import io.atomix.protocols.raft.storage.snapshot.SnapshotWriter;
import io.atomix.storage.StorageLevel;
import io.atomix.utils.time.WallClockTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots are written to their file while they are taken (Atomix collects them on the heap first, in a buffer that
 * doubles: at 1 M keys an OutOfMemoryError that left its compaction hanging for good, issue 17), survive a restart of
 * the store, and a failed attempt's leftover file does not end up inside the next snapshot at that index. Snapshots
 * received from the leader are written to their file chunk by chunk, checked against what was received, and only
 * then made current.
 */
class ChecksummedSnapshotStoreTest {

    private static final int MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void atomixKeepsASnapshotBeingTakenOnTheHeap() {
        SnapshotStore atomix = new SnapshotStore(storage());
        Snapshot snapshot = atomix.newTemporarySnapshot(10, new WallClockTimestamp());
        assertThat(snapshot.isPersisted()).isFalse();
        assertThat(ChecksummedSnapshotStore.snapshotFile(storage(), 10)).doesNotExist();
    }

    @Test
    void aSnapshotBeingTakenIsWrittenToItsFileAndReadBackAfterARestart() {
        RaftStorage storage = storage();
        ChecksummedSnapshotStore store = new ChecksummedSnapshotStore(storage);
        Snapshot snapshot = store.newTemporarySnapshot(10, new WallClockTimestamp());
        assertThat(snapshot.isPersisted()).isTrue();
        byte[] chunk = chunk(1);
        try (SnapshotWriter writer = snapshot.openWriter()) {
            for (int i = 0; i < 16; i++) {
                writer.write(chunk);
            }
            // On disk already, not in a heap buffer waiting to be copied.
            assertThat(ChecksummedSnapshotStore.snapshotFile(storage, 10).toFile().length())
                .isGreaterThanOrEqualTo(16L * MB);
        }
        snapshot.persist().complete();
        assertThat(store.getCurrentSnapshot().index()).isEqualTo(10);
        assertThat(SnapshotChecksums.checksumFile(ChecksummedSnapshotStore.snapshotFile(storage, 10))).exists();

        SnapshotStore restarted = new ChecksummedSnapshotStore(storage());
        assertThat(restarted.getCurrentSnapshot().index()).isEqualTo(10);
        for (byte[] read : readAll(restarted.getCurrentSnapshot(), 16)) {
            assertThat(read).isEqualTo(chunk);
        }
    }

    @Test
    void aFailedAttemptsFileIsNotPartOfTheNextSnapshotAtThatIndex() {
        RaftStorage storage = storage();
        ChecksummedSnapshotStore store = new ChecksummedSnapshotStore(storage);
        Snapshot failed = store.newTemporarySnapshot(20, new WallClockTimestamp());
        try (SnapshotWriter writer = failed.openWriter()) {
            writer.write(chunk(7));
        }
        failed.close();

        Snapshot retried = store.newTemporarySnapshot(20, new WallClockTimestamp());
        try (SnapshotWriter writer = retried.openWriter()) {
            writer.write(chunk(2));
        }
        retried.persist().complete();
        assertThat(readAll(new ChecksummedSnapshotStore(storage()).getCurrentSnapshot(), 1)[0]).isEqualTo(chunk(2));
    }

    @Test
    void aSnapshotFromTheLeaderIsWrittenToItsFileChunkByChunkAndReadBackAfterARestart() throws Exception {
        RaftStorage storage = storage();
        ChecksummedSnapshotStore store = new ChecksummedSnapshotStore(storage);
        ReceivedSnapshot snapshot = store.newReceivedSnapshot(30, new WallClockTimestamp());
        Path file = ChecksummedSnapshotStore.snapshotFile(storage, 30);
        for (int i = 0; i < 16; i++) {
            // As Atomix's PassiveRole does: a writer per chunk of the InstallRequest.
            try (SnapshotWriter writer = snapshot.openWriter()) {
                writer.write(chunk(i));
            }
            assertThat(file.toFile().length()).isGreaterThanOrEqualTo((i + 1L) * MB);
        }
        // The heap held one chunk at a time, never the snapshot.
        assertThat(snapshot.largestChunk()).isEqualTo(MB);
        assertThat(snapshot.length()).isEqualTo(16L * MB);
        // Not a snapshot until it is complete: a start-up now deletes the file.
        assertThat(new SnapshotStore(storage()).getSnapshot(30)).isNull();
        assertThat(file).doesNotExist();
    }

    @Test
    void noSnapshotIsTakenAtTheIndexOfOneBeingReceivedOrOfTheCurrentOne() throws IOException {
        RaftStorage storage = storage();
        ChecksummedSnapshotStore store = new ChecksummedSnapshotStore(storage);
        Snapshot received = receive(store, 50, 2);
        // Both would write raft-50.snapshot.
        assertThatThrownBy(() -> store.newTemporarySnapshot(50, new WallClockTimestamp()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Snapshot 50 is being received from the leader");
        received.persist().complete();
        // Atomix deletes the file of a second snapshot completed at the current one's index: the same file.
        assertThatThrownBy(() -> store.newTemporarySnapshot(50, new WallClockTimestamp()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Snapshot 50 exists already");
        Path file = ChecksummedSnapshotStore.snapshotFile(storage, 50);
        assertThat(SnapshotChecksums.recorded(file)).isEqualTo(SnapshotChecksums.compute(file));
        byte[][] read = readAll(store.getCurrentSnapshot(), 2);
        assertThat(read[1]).isEqualTo(chunk(1));
    }

    @Test
    void aCompleteSnapshotFromTheLeaderBecomesCurrentWithItsChecksum() {
        RaftStorage storage = storage();
        ChecksummedSnapshotStore store = new ChecksummedSnapshotStore(storage);
        Snapshot snapshot = receive(store, 40, 8);
        snapshot.persist().complete();
        Path file = ChecksummedSnapshotStore.snapshotFile(storage, 40);
        assertThat(store.getCurrentSnapshot().index()).isEqualTo(40);
        assertThat(SnapshotChecksums.checksumFile(file)).exists();

        SnapshotStore restarted = new ChecksummedSnapshotStore(storage());
        assertThat(restarted.getCurrentSnapshot().index()).isEqualTo(40);
        byte[][] read = readAll(restarted.getCurrentSnapshot(), 8);
        for (int i = 0; i < 8; i++) {
            assertThat(read[i]).isEqualTo(chunk(i));
        }
    }

    @Test
    void aSnapshotFromTheLeaderThatDoesNotReadBackAsReceivedIsRefusedAndDeleted() throws Exception {
        RaftStorage storage = storage();
        ChecksummedSnapshotStore store = new ChecksummedSnapshotStore(storage);
        Snapshot snapshot = receive(store, 50, 4);
        Path file = ChecksummedSnapshotStore.snapshotFile(storage, 50);
        try (RandomAccessFile damage = new RandomAccessFile(file.toFile(), "rw")) {
            damage.seek(file.toFile().length() - 10);
            damage.write(99);
        }
        assertThatThrownBy(snapshot::persist).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("did not keep what was written");
        assertThat(file).doesNotExist();
        assertThat(store.getCurrentSnapshot()).isNull();
        // The leader sends it again: received afresh at the same index.
        receive(store, 50, 4).persist().complete();
        assertThat(store.getCurrentSnapshot().index()).isEqualTo(50);
    }

    @Test
    void anInstallTheLeaderAbandonsLeavesNoFile() {
        RaftStorage storage = storage();
        ChecksummedSnapshotStore store = new ChecksummedSnapshotStore(storage);
        Snapshot snapshot = receive(store, 60, 2);
        // Atomix's PendingSnapshot.rollback().
        snapshot.close();
        snapshot.delete();
        assertThat(ChecksummedSnapshotStore.snapshotFile(storage, 60)).doesNotExist();
        assertThat(store.getCurrentSnapshot()).isNull();
    }

    private static Snapshot receive(ChecksummedSnapshotStore store, long index, int chunks) {
        try {
            ReceivedSnapshot snapshot = store.newReceivedSnapshot(index, new WallClockTimestamp());
            for (int i = 0; i < chunks; i++) {
                try (SnapshotWriter writer = snapshot.openWriter()) {
                    writer.write(chunk(i));
                }
            }
            return snapshot;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static byte[][] readAll(Snapshot snapshot, int chunks) {
        byte[][] read = new byte[chunks][];
        try (SnapshotReader reader = snapshot.openReader()) {
            for (int i = 0; i < chunks; i++) {
                read[i] = new byte[MB];
                reader.read(read[i]);
            }
            assertThat(reader.hasRemaining()).isFalse();
        }
        return read;
    }

    private static byte[] chunk(int fill) {
        byte[] chunk = new byte[MB];
        Arrays.fill(chunk, (byte) fill);
        return chunk;
    }

    private RaftStorage storage() {
        return RaftStorage.builder()
            .withPrefix(RaftStorageFactory.PREFIX)
            .withDirectory(dir.toFile())
            .withStorageLevel(StorageLevel.MAPPED)
            .withNamespace(RaftNamespaces.RAFT_STORAGE)
            .build();
    }
}
