package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.RaftStartupException;

/**
 * Checks a node's log segments and snapshots before Atomix opens them. Atomix would silently drop every entry after
 * the first damaged one, delete every later segment when one segment comes up short, and install a damaged
 * snapshot as it is. Instead:
 * <ul>
 * <li>a damaged tail of the last segment (a write torn by a crash, flipped bytes in its last entries) is cut off
 * with a WARN: those entries are re-sent by the leader, which has every entry a majority acknowledged;</li>
 * <li>damage anywhere else (an earlier segment, a segment header, a snapshot whose checksum does not match, a term,
 * vote or cluster configuration that cannot be read: {@link MetaFilesCheck}), or an
 * entry larger than {@code raft.limits.max-entry-size}, stops the start with a {@link RaftStartupException} that
 * names the file and the way to recover.</li>
 * </ul>
 */
final class StorageIntegrityCheck {

    private static final Logger logger = LoggerFactory.getLogger(StorageIntegrityCheck.class);

    /** Atomix's snapshot header: index (8), timestamp (8), version (4), then the "complete" flag. */
    private static final int SNAPSHOT_LOCKED_OFFSET = 20;

    private final Path directory;

    private final String prefix;

    private final int maxEntrySize;

    private final String nodeId;

    StorageIntegrityCheck(Path directory, String prefix, int maxEntrySize, String nodeId) {
        this.directory = directory;
        this.prefix = prefix;
        this.maxEntrySize = maxEntrySize;
        this.nodeId = nodeId;
    }

    void run() {
        try {
            new MetaFilesCheck(directory, prefix, this::damaged).run();
            checkLog();
            checkSnapshots();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not read the Raft state directory " + directory, ex);
        }
    }

    private void checkLog() throws IOException {
        Pattern segmentName = Pattern.compile(Pattern.quote(prefix) + "-\\d+\\.log");
        List<LogSegmentScan> segments = new ArrayList<>();
        for (Path file : list(segmentName)) {
            LogSegmentScan scan = LogSegmentScan.of(file, maxEntrySize);
            if (scan.damage() == LogSegmentScan.Damage.BAD_HEADER) {
                throw damaged(file, "its header is not a log segment header (damaged or truncated file)");
            }
            if (scan.damage() == LogSegmentScan.Damage.ENTRY_TOO_LARGE) {
                throw tooLarge(scan);
            }
            segments.add(scan);
        }
        segments.sort(Comparator.comparingLong(LogSegmentScan::segmentId));
        for (int i = 0; i + 1 < segments.size(); i++) {
            LogSegmentScan segment = segments.get(i);
            LogSegmentScan next = segments.get(i + 1);
            // What follows an earlier segment's last entry does not matter as long as the next segment goes on from it.
            if (next.firstIndex() != segment.lastIndex() + 1) {
                throw damaged(segment.file(), "its valid entries end at index " + segment.lastIndex() + " (offset "
                        + segment.endOffset() + ": " + describe(segment) + "), but the next segment "
                        + next.file().getFileName() + " starts at index " + next.firstIndex());
            }
        }
        if (!segments.isEmpty()) {
            cutDamagedTail(segments.get(segments.size() - 1));
        }
    }

    private void cutDamagedTail(LogSegmentScan last) throws IOException {
        if (last.damage() != LogSegmentScan.Damage.BAD_ENTRY) {
            return;
        }
        logger.warn("Raft node '{}': the log segment {} ends with bytes that are not a valid entry after index {} "
                + "(offset {}: a write torn by a crash, damaged entries, or data left over from an earlier log "
                + "truncation). Cutting them off; the leader sends again any entry this node is missing.", nodeId,
                last.file(), last.lastIndex(), last.endOffset());
        try (FileChannel channel = FileChannel.open(last.file(), StandardOpenOption.WRITE)) {
            channel.truncate(last.endOffset());
            channel.force(true);
        }
    }

    private void checkSnapshots() throws IOException {
        Pattern snapshotName = Pattern.compile(Pattern.quote(prefix) + "-\\d+\\.snapshot");
        for (Path file : list(snapshotName)) {
            if (!complete(file)) {
                continue; // an unfinished snapshot: Atomix deletes it
            }
            Long recorded = SnapshotChecksums.recorded(file);
            if (recorded == null) {
                logger.info("Raft node '{}': snapshot {} has no checksum file (written by an older version); it is "
                        + "used unverified", nodeId, file);
                continue;
            }
            long actual = SnapshotChecksums.compute(file);
            if (actual != recorded) {
                throw damaged(file, "its checksum " + Long.toHexString(actual) + " does not match the one recorded "
                        + "when it was written (" + SnapshotChecksums.checksumFile(file).getFileName() + ": "
                        + Long.toHexString(recorded) + ")");
            }
        }
    }

    private static boolean complete(Path snapshot) throws IOException {
        try (FileChannel channel = FileChannel.open(snapshot, StandardOpenOption.READ)) {
            java.nio.ByteBuffer flag = java.nio.ByteBuffer.allocate(1);
            return channel.read(flag, SNAPSHOT_LOCKED_OFFSET) == 1 && flag.get(0) == 1;
        }
    }

    private List<Path> list(Pattern name) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> name.matcher(file.getFileName().toString()).matches())
                .filter(Files::isRegularFile)
                .sorted()
                .toList();
        }
    }

    private static String describe(LogSegmentScan scan) {
        return switch (scan.damage()) {
            case NONE -> "the segment ends there";
            case BAD_ENTRY -> "the next entry's length or checksum is wrong";
            default -> scan.damage().toString();
        };
    }

    private RaftStartupException damaged(Path file, String what) {
        return new RaftStartupException(RaftStartupException.Problem.STATE_DIR_DAMAGED,
                "The Raft state directory " + directory + " is damaged: " + file + " cannot be trusted, " + what
                        + ". Starting on it could lose or corrupt data this node acknowledged.",
                "Rebuild this node's state from the cluster (the other nodes have every acknowledged write): "
                        + "1. keep the damaged directory for analysis: mv " + directory + " " + directory
                        + ".damaged; 2. on the leader, remove this node: RaftAdmin RemoveServer " + nodeId
                        + " (or POST /actuator/raft/remove {\"id\":\"" + nodeId + "\"}); 3. start this node on an "
                        + "empty raft.state-dir with raft.bootstrap=false (RAFT_BOOTSTRAP=false); 4. on the leader, "
                        + "add it back: RaftAdmin AddVoter " + nodeId + " <its raft address> (or POST "
                        + "/actuator/raft/add-voter). It then copies everything from the leader. If this is the only "
                        + "node with the data, restore from a backup instead (docs/operations.md). "
                        + "See docs/reliability.md#disk-faults.",
                null);
    }

    private RaftStartupException tooLarge(LogSegmentScan scan) {
        return new RaftStartupException(RaftStartupException.Problem.STATE_DIR_DAMAGED,
                "The Raft log segment " + scan.file() + " holds an entry of " + scan.damagedLength()
                        + " bytes after index " + scan.lastIndex() + ", larger than raft.limits.max-entry-size ("
                        + maxEntrySize + " bytes): the limit was lowered after the entry was written, and the node "
                        + "would drop that entry and every later one.",
                "Set raft.limits.max-entry-size back to at least " + scan.damagedLength()
                        + " bytes on this node (and keep it the same on every node).",
                null);
    }
}
