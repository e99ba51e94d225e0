package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.atomix.peer.RestoreFilePiece;

/**
 * The verified backups this node holds for restores, one file per restore id in {@code <state-dir>/restores}. A restore
 * sends its backup to every member ({@link RestoreFilePush}) before its one commit entry goes through the log, so that
 * the log carries a few bytes instead of the whole state; each member applies the entry from its own copy. A file is
 * kept while its commit entry may still be applied from this node's log (a restart replays it) or sent from it to a
 * member that catches up: until the log is compacted past the entry. A file whose entry never came is kept for
 * {@link #UNAPPLIED_KEPT}. The pieces of a file sent by another member are received by {@link RestoreFileReceiver}.
 */
final class RestoreFiles implements AutoCloseable {

    /** How long a file whose commit entry this node has not applied is kept (its restore failed before the entry). */
    static final Duration UNAPPLIED_KEPT = Duration.ofHours(24);

    private static final Pattern RESTORE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final String HELD = ".backup";

    private static final String APPLIED = ".applied";

    private static final Logger logger = LoggerFactory.getLogger(RestoreFiles.class);

    private final Path directory;

    private final boolean temporary;

    private final RestoreFileReceiver receiver;

    /** Syncs the files being written, a step at a time ({@link BackgroundSync}). */
    private final ExecutorService syncs;

    /** The files checked as they arrived: not read again before their entry is applied ({@link #intact}). */
    private final VerifiedArrivals verifiedHere = new VerifiedArrivals();

    /** The restore whose file the state machine is applying now: never deleted meanwhile. */
    private volatile String applying;

    /** Completed when a restore's file has arrived, for whoever waits for it. */
    private final Map<String, CompletableFuture<Void>> arrivals = new ConcurrentHashMap<>();

    RestoreFiles(Path directory, boolean temporary, String nodeId) {
        this.directory = directory;
        this.temporary = temporary;
        try {
            Files.createDirectories(directory);
            // A transfer cut by the node's stop is sent again whole: its pieces are of no use.
            forEachFile(file -> file.getFileName().toString().endsWith(RestoreFileReceiver.PARTIAL), BackupSpool::deleteQuietly);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not prepare the restore directory " + directory, ex);
        }
        this.syncs = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "raft-" + nodeId + "-restore-sync");
            thread.setDaemon(true);
            return thread;
        });
        this.receiver = new RestoreFileReceiver(this, directory, nodeId);
    }

    /** The restores' files of a node: under its state directory, or in a temporary directory for a memory node. */
    static RestoreFiles of(RaftNodeSettings settings) {
        try {
            return settings.inMemory()
                    ? new RestoreFiles(Files.createTempDirectory("raft-restores-" + settings.nodeId()), true,
                            settings.nodeId())
                    : new RestoreFiles(settings.stateDir().resolve("restores"), false, settings.nodeId());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not create a directory for the restores' files", ex);
        }
    }

    /** Syncs {@code channel}, a restore file being written, a step at a time while it grows. */
    BackgroundSync backgroundSync(FileChannel channel, Object file) {
        return new BackgroundSync(channel, syncs, file);
    }

    /** Whether {@code id} can name a restore's file (restore ids are UUIDs: nothing else reaches the file system). */
    static boolean validId(String id) {
        return id != null && RESTORE_ID.matcher(id).matches();
    }

    /** The verified file of restore {@code id}, whether or not this node holds it. */
    Path file(String id) {
        requireValid(id);
        return directory.resolve(id + HELD);
    }

    /** Whether this node holds the whole verified file of restore {@code id}. */
    boolean holds(String id, long size) {
        Path file = file(id);
        try {
            return Files.isRegularFile(file) && Files.size(file) == size;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /**
     * Whether the file this node holds for restore {@code id} still has the SHA-256 it arrived with; a file damaged on
     * this node's disk since is deleted (this node then gets it again from another member). Every node must apply a
     * restore from the same bytes.
     */
    boolean intact(String id, byte[] sha256) {
        try {
            if (verifiedHere.unchangedSince(id, file(id), sha256)) {
                return true;
            }
            if (MessageDigest.isEqual(Sha256.of(file(id)), sha256)) {
                return true;
            }
            logger.warn("Restore {}'s file on this node no longer matches its SHA-256 (damaged on disk since it "
                    + "arrived): deleting it, to get it again from another member", id);
        }
        catch (IOException ex) {
            logger.warn("Restore {}'s file on this node cannot be read ({}): deleting it, to get it again from another "
                    + "member", id, ex.toString());
        }
        verifiedHere.forget(id);
        BackupSpool.deleteQuietly(file(id));
        return false;
    }

    /** Completes once this node holds restore {@code id}'s file of {@code size} bytes. */
    CompletableFuture<Void> arrival(String id, long size) {
        CompletableFuture<Void> arrival = arrivals.computeIfAbsent(id, key -> new CompletableFuture<>());
        if (holds(id, size)) {
            arrival.complete(null);
        }
        return arrival;
    }

    /** Wakes whoever waits for a file's arrival: the node is stopping. */
    void stopWaiting() {
        arrivals.values().forEach(arrival -> arrival.completeExceptionally(
                new IllegalStateException("the node is stopping")));
    }

    /** Takes a verified file (the restore's upload to this node, of SHA-256 {@code sha256}) as restore {@code id}'s. */
    void adopt(String id, Path verified, byte[] sha256) throws IOException {
        try (FileChannel channel = FileChannel.open(verified, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(verified, file(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        verifiedOnArrival(id, sha256);
    }

    /** Restore {@code id}'s file, now in place, was checked against {@code sha256} as its bytes arrived. */
    void verifiedOnArrival(String id, byte[] sha256) {
        verifiedHere.record(id, file(id), sha256);
    }

    /**
     * Writes a received piece at its offset; the piece that completes the file answers once the file is checked
     * against its SHA-256 and durable, with the number of bytes held. Fails with the reason for a piece that does
     * not fit the file it names.
     */
    CompletableFuture<Long> receive(RestoreFilePiece piece) {
        return receiver.receive(piece);
    }

    /** Restore {@code id}'s file has arrived whole and verified: wakes whoever waits for it. */
    void arrived(String id) {
        CompletableFuture<Void> arrival = arrivals.remove(id);
        if (arrival != null) {
            arrival.complete(null);
        }
    }

    /** Restore {@code id}'s transfer failed: whoever waits for the file asks another member at once. */
    void transferFailed(String id, IOException failure) {
        CompletableFuture<Void> arrival = arrivals.remove(id);
        if (arrival != null) {
            arrival.completeExceptionally(failure);
        }
    }

    /** The state machine applies restore {@code id} from its file now ({@code null}: none): it must stay. */
    void applying(String id) {
        this.applying = id;
    }

    /** Records that this node applied restore {@code id}'s commit entry at {@code index}. */
    void applied(String id, long index) {
        try {
            Files.writeString(directory.resolve(id + APPLIED), Long.toString(index));
        }
        catch (IOException ex) {
            // Without the record the file is kept for UNAPPLIED_KEPT instead: only disk space is at stake.
            logger.warn("Could not record that restore {} was applied at {}: {}", id, index, ex.toString());
        }
    }

    /**
     * Deletes the files no longer needed: those whose commit entry lies below {@code firstLogIndex} (this node's log
     * no longer holds it: no replay here and no member catching up from here needs the file), and those never applied
     * here that are older than {@link #UNAPPLIED_KEPT}.
     */
    void prune(long firstLogIndex) {
        receiver.dropIdleTransfersSoon();
        long now = System.currentTimeMillis();
        try {
            forEachFile(file -> file.getFileName().toString().endsWith(HELD), file -> {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - HELD.length());
                if (id.equals(applying)) {
                    return;
                }
                Path record = directory.resolve(id + APPLIED);
                try {
                    boolean obsolete = Files.exists(record)
                            ? Long.parseLong(Files.readString(record).trim()) < firstLogIndex
                            : now - Files.getLastModifiedTime(file).toMillis() > UNAPPLIED_KEPT.toMillis();
                    if (obsolete) {
                        logger.info("Deleting restore {}'s file: no longer needed (log starts at {})", id,
                                firstLogIndex);
                        verifiedHere.forget(id);
                        BackupSpool.deleteQuietly(file);
                        BackupSpool.deleteQuietly(record);
                    }
                }
                catch (IOException | NumberFormatException ex) {
                    logger.warn("Could not decide whether restore {}'s file is still needed: {}", id, ex.toString());
                }
            });
        }
        catch (IOException ex) {
            logger.warn("Could not list the restore directory {}: {}", directory, ex.toString());
        }
    }

    private void forEachFile(java.util.function.Predicate<Path> which, java.util.function.Consumer<Path> action)
            throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (which.test(file)) {
                    action.accept(file);
                }
            }
        }
    }

    private static void requireValid(String id) {
        if (!validId(id)) {
            throw new IllegalArgumentException("not a restore id: " + id);
        }
    }

    @Override
    public void close() {
        stopWaiting();
        receiver.close();
        syncs.shutdownNow();
        if (temporary) {
            try {
                forEachFile(file -> true, BackupSpool::deleteQuietly);
                Files.deleteIfExists(directory);
            }
            catch (IOException ex) {
                logger.warn("Could not delete the restore directory {}: {}", directory, ex.toString());
            }
        }
    }
}
