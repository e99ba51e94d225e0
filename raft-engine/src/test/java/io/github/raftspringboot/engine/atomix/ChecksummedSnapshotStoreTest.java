package io.github.raftspringboot.engine.atomix;

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

/**
 * Snapshots are written to their file while they are taken (Atomix collects them on the heap first, in a buffer that
 * doubles: at 1 M keys an OutOfMemoryError that left its compaction hanging for good, issue 17), survive a restart of
 * the store, and a failed attempt's leftover file does not end up inside the next snapshot at that index.
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
