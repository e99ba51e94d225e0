package io.github.raftspringboot.engine.atomix;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.atomix.protocols.raft.impl.RaftServiceManager;
import io.atomix.protocols.raft.roles.PassiveRole;
import io.atomix.protocols.raft.storage.RaftStorage;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import io.atomix.protocols.raft.storage.snapshot.SnapshotStore;
import io.atomix.storage.StorageLevel;
import io.atomix.utils.time.WallClockTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atomix's snapshot store, recording a checksum of each snapshot file once it is complete (taken here or installed
 * from the leader), for {@link StorageIntegrityCheck} to verify at the next start. Checksums of snapshots Atomix
 * has since deleted are deleted with them. Snapshots are written to their file as they are taken
 * ({@link #newTemporarySnapshot}). A snapshot this node took is not installed again into the state it was taken from
 * ({@link #getCurrentSnapshot}).
 */
final class ChecksummedSnapshotStore extends SnapshotStore {

    private static final Logger logger = LoggerFactory.getLogger(ChecksummedSnapshotStore.class);

    /** Null while the superclass constructor loads the existing snapshots, which already have their checksums. */
    private final RaftStorage raftStorage;

    /** Indexes of the snapshots being received: no snapshot is taken at such an index. */
    private final Set<Long> receiving = ConcurrentHashMap.newKeySet();

    private volatile LongOperations operations;

    /**
     * The index of the last snapshot this node took, until Atomix's state machine thread has looked at it once as its
     * current snapshot (-1: none).
     */
    private volatile long takenHere = -1;

    ChecksummedSnapshotStore(RaftStorage storage) {
        super(storage);
        this.raftStorage = storage;
    }

    /**
     * A snapshot being taken goes to its file, not to the heap. Atomix collects it in a heap buffer that doubles as it
     * grows and copies it to the file only when complete: a 354 MB snapshot needs a 512 MB array plus the 256 MB one
     * it is copied from, next to the state itself. On a node at {@code -Xmx1g} that is an {@code OutOfMemoryError} on the
     * state machine's thread, which Atomix's compaction does not catch: its {@code compact()} future then never
     * completes, no snapshot file is written, and no snapshot is ever taken again (docs/benchmarks.md, issue 17). The
     * file is {@code raft-<index>.snapshot}, which Atomix would write anyway; until the snapshot is complete its header
     * is unlocked, so a start-up after a crash deletes it. A snapshot is not taken at an index that already has a
     * complete one or that is being received from the leader (it fails, and the next is taken later): the two would
     * share the file. A follower does not receive a snapshot at or below what it has applied ({@link FollowerInstalls}).
     * <p>
     * A snapshot received from the leader ({@link PassiveRole} asks for it) goes to its file chunk by chunk as well,
     * through a {@link ReceivedSnapshot}: not through Atomix's file writer, which is reopened for each chunk and, when
     * a reopened writer grows the file past its length, truncates it to a few bytes first (its
     * {@code FileBytes.resize} zeroes from the size it was opened with; that wiped the first 256 MB of a 354 MB
     * snapshot in a 1 M-key run).
     */
    @Override
    public synchronized Snapshot newTemporarySnapshot(long index, WallClockTimestamp timestamp) {
        boolean received = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
            .getCallerClass() == PassiveRole.class;
        if (raftStorage == null || raftStorage.storageLevel() == StorageLevel.MEMORY) {
            noteTaker(index, received);
            return super.newTemporarySnapshot(index, timestamp);
        }
        boolean exists = getSnapshot(index) != null;
        if (!received && (exists || receiving.contains(index))) {
            // Both would write raft-<index>.snapshot, and Atomix deletes that file when it completes a second snapshot
            // at the index of its current one (it discards the newcomer by deleting its file, which is the same).
            throw new IllegalStateException("Snapshot " + index + (exists ? " exists already"
                    : " is being received from the leader") + ": this node does not take one of its own at that index");
        }
        noteTaker(index, received);
        if (exists || receiving.contains(index)) {
            return super.newTemporarySnapshot(index, timestamp);
        }
        try {
            return received ? newReceivedSnapshot(index, timestamp) : newTakenSnapshot(index, timestamp);
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("Could not start snapshot {} in its file; collecting it on the heap: {}", index, ex.toString());
            return super.newTemporarySnapshot(index, timestamp);
        }
    }

    /**
     * A snapshot this node takes is written on its state machine thread at its last applied index: the state the state
     * machine holds until it applies the next entry. One received from the leader is another state.
     */
    private void noteTaker(long index, boolean received) {
        takenHere = received ? -1 : index;
    }

    private Snapshot newTakenSnapshot(long index, WallClockTimestamp timestamp) throws IOException {
        // Left by an attempt that failed: Atomix's file writer would append to it.
        Files.deleteIfExists(snapshotFile(raftStorage, index));
        return newSnapshot(index, timestamp);
    }

    /**
     * A snapshot sent by the leader, written to its file as its chunks arrive; reported as a {@code snapshot-install}
     * in phase {@code receiving} (its size is not known before the last chunk).
     */
    ReceivedSnapshot newReceivedSnapshot(long index, WallClockTimestamp timestamp) throws IOException {
        LongOperations reportTo = operations;
        LongOperations.Tracked progress = (reportTo == null) ? null
                : reportTo.start("snapshot-install", String.valueOf(index), "receiving", -1);
        try {
            ReceivedSnapshot snapshot = ReceivedSnapshot.create(this, snapshotFile(raftStorage, index), index,
                    timestamp, bytes -> {
                        if (progress != null) {
                            progress.advance(bytes);
                        }
                    }, done -> {
                        receiving.remove(done.index());
                        if (progress != null) {
                            progress.close();
                        }
                    });
            receiving.add(index);
            return snapshot;
        }
        catch (IOException | RuntimeException ex) {
            if (progress != null) {
                progress.close();
            }
            throw ex;
        }
    }

    /**
     * The current snapshot; none to Atomix's state machine thread when it is one this node took itself.
     * <p>
     * Before it applies the entry after the current snapshot, Atomix installs that snapshot (its
     * {@code RaftServiceManager.apply}), also on the node that took it, whose state is then exactly the snapshot's. The
     * install makes a new service context and drops every client session of the old one from the registry, then
     * creates new session objects from the snapshot: whatever the live sessions held beyond it was lost. Queries
     * waiting there for their session's earlier commands never ran (their session object was gone), and commands the
     * leader had received but not yet applied were forgotten in the new session's request sequence, so the next ones
     * were held as out of order until the client's timeout. Seen as linearizable queries and writes of a node's own
     * session that did not complete, after a snapshot taken while they were in flight (issue 17). Telling that thread
     * there is no snapshot skips the install; it changes nothing else there: the entries it applies are all above the
     * snapshot's index. A snapshot received from the leader, or found at start-up, is installed as before.
     */
    @Override
    public Snapshot getCurrentSnapshot() {
        Snapshot current = super.getCurrentSnapshot();
        if (current != null && current.index() == takenHere && StackWalker
            .getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
            .getCallerClass() == RaftServiceManager.class) {
            // Its first look at this snapshot is at or after the entry that follows it: no install needed later either.
            takenHere = -1;
            return null;
        }
        return current;
    }

    /** Where snapshots being received report their progress. */
    void reportProgressTo(LongOperations operations) {
        this.operations = operations;
    }

    @Override
    protected synchronized void completeSnapshot(Snapshot snapshot) {
        if (raftStorage == null || !snapshot.isPersisted()) {
            super.completeSnapshot(snapshot);
            return;
        }
        // Before Atomix makes it the current snapshot (and deletes the previous one, then compacts the log): durable,
        // and with its checksum, even if the node is stopped right after.
        Path file = snapshotFile(raftStorage, snapshot.index());
        if (Files.exists(file)) {
            forceToDisk(file);
            try {
                SnapshotChecksums.write(file);
            }
            catch (IOException ex) {
                // The snapshot itself is complete; without its checksum it is only unverified at the next start.
                logger.warn("Could not record the checksum of snapshot {}: {}", file, ex.toString());
            }
        }
        super.completeSnapshot(snapshot);
        try {
            deleteOrphanedChecksums(raftStorage.directory().toPath());
        }
        catch (IOException ex) {
            logger.warn("Could not delete the checksums of deleted snapshots in {}: {}", raftStorage.directory(),
                    ex.toString());
        }
    }

    private static void forceToDisk(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        catch (IOException ex) {
            logger.warn("Could not flush snapshot {} to disk: {}", file, ex.toString());
        }
    }

    static Path snapshotFile(RaftStorage storage, long index) {
        return new File(storage.directory(), storage.prefix() + "-" + index + ".snapshot").toPath();
    }

    private static void deleteOrphanedChecksums(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path checksum : files.filter(f -> f.getFileName().toString().endsWith(SnapshotChecksums.SUFFIX))
                .toList()) {
                String name = checksum.getFileName().toString();
                Path snapshot = checksum
                    .resolveSibling(name.substring(0, name.length() - SnapshotChecksums.SUFFIX.length()));
                if (!Files.exists(snapshot)) {
                    Files.deleteIfExists(checksum);
                }
            }
        }
        catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }
}
