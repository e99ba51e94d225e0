package io.github.raftspringboot.engine.atomix;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.atomix.primitive.operation.OperationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * This node's directory for the large files of streamed backups and restores (state-dir/spool), so that they never
 * sit in the heap. A backup is one log entry, {@link #SPOOL}: every node applies it in log order, and the node that
 * asked for it writes the state as of that entry to a file, which {@link StreamedBackups} then copies out.
 */
final class BackupSpool {

    static final OperationId SPOOL = OperationId.command("backup-spool");

    private static final Logger logger = LoggerFactory.getLogger(BackupSpool.class);

    private final Path directory;

    private final String localNodeId;

    private final boolean temporary;

    /** Why a backup could not be spooled, by backup id, until its requester takes it. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    /**
     * Per backup id asked on this node: completes with the entry's index once its state is in the spool (or with the
     * failure). Lets the requester wait for a state that takes longer to write than the request timeout.
     */
    private final Map<String, CompletableFuture<Long>> written = new ConcurrentHashMap<>();

    /** Backup ids whose state this node has started to write. */
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    BackupSpool(Path directory, String localNodeId, boolean temporary) {
        this.directory = directory;
        this.localNodeId = localNodeId;
        this.temporary = temporary;
    }

    /** The spool under the state directory, or a temporary directory for in-memory storage; emptied of leftovers. */
    static BackupSpool create(RaftNodeSettings settings) {
        try {
            if (settings.inMemory()) {
                return new BackupSpool(Files.createTempDirectory("raft-spool-" + settings.nodeId()),
                        settings.nodeId(), true);
            }
            Path directory = Files.createDirectories(settings.stateDir().resolve("spool"));
            deleteContents(directory);
            return new BackupSpool(directory, settings.nodeId(), false);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not prepare the backup spool directory", ex);
        }
    }

    Path directory() {
        return directory;
    }

    /** A new file in the spool for {@code purpose}, e.g. an incoming restore. */
    Path newFile(String purpose) throws IOException {
        return Files.createTempFile(directory, purpose + "-", ".bin");
    }

    boolean handles(OperationId operation) {
        return SPOOL.equals(operation);
    }

    /**
     * Applies a spool entry: on the node that asked for the backup, writes the state as of this entry to the spool
     * (on the apply thread, so that no later command is mixed in). Other nodes do nothing. Never throws.
     */
    byte[] apply(long index, byte[] payload, ReplicatedStateMachine stateMachine, LongOperations operations) {
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\n", 2);
        if (parts.length != 2 || !parts[0].equals(localNodeId)) {
            return new byte[0];
        }
        String id = parts[1];
        if (!id.matches("[0-9a-fA-F-]{1,64}")) {
            return new byte[0];
        }
        Path file = stateFile(id);
        this.started.add(id);
        long started = System.nanoTime();
        // The requester (StreamedBackups) tracks the backup; its bytes are counted here as they are written.
        LongOperations.Tracked progress = operations.find("backup", id);
        try (OutputStream out = new CountingStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16),
                progress)) {
            stateMachine.snapshot(out);
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("Could not write backup {} to {}: {}", id, file, ex.toString());
            failures.put(id, ex.toString());
            deleteQuietly(file);
            written(id).complete(index);
            return new byte[0];
        }
        written(id).complete(index);
        logger.info("Backup {}: the state is spooled to {} ({} bytes in {} ms)", id, file, file.toFile().length(),
                (System.nanoTime() - started) / 1_000_000);
        return new byte[0];
    }

    /** Completes with the index of backup {@code id}'s entry once this node has written (or failed to write) it. */
    CompletableFuture<Long> written(String id) {
        return written.computeIfAbsent(id, key -> new CompletableFuture<>());
    }

    /** Whether this node has started to write backup {@code id}'s state. */
    boolean started(String id) {
        return started.contains(id);
    }

    /** The spooled state of backup {@code id}; the caller deletes the file when done. */
    Path take(String id) throws IOException {
        written.remove(id);
        started.remove(id);
        String failure = failures.remove(id);
        if (failure != null) {
            throw new IOException("This node could not write the backup to its spool directory " + directory + ": "
                    + failure);
        }
        Path file = stateFile(id);
        if (!Files.exists(file)) {
            throw new IOException("Backup " + id + " was not spooled on this node (was the node restarted?)");
        }
        return file;
    }

    static byte[] spoolEntry(String nodeId, String backupId) {
        return (nodeId + "\n" + backupId).getBytes(StandardCharsets.UTF_8);
    }

    /** Removes the spool directory if it was a temporary one. */
    void close() {
        if (temporary) {
            try {
                deleteContents(directory);
                Files.deleteIfExists(directory);
            }
            catch (IOException ex) {
                logger.warn("Could not delete the spool directory {}: {}", directory, ex.toString());
            }
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException ex) {
            logger.warn("Could not delete {}: {}", file, ex.toString());
        }
    }

    /** Counts the bytes written into an operation's progress, if it is tracked. */
    private static final class CountingStream extends FilterOutputStream {

        private final LongOperations.Tracked progress;

        CountingStream(OutputStream out, LongOperations.Tracked progress) {
            super(out);
            this.progress = progress;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            if (progress != null) {
                progress.advance(1);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            if (progress != null) {
                progress.advance(length);
            }
        }
    }

    private Path stateFile(String id) {
        return directory.resolve("backup-" + id + ".state");
    }

    private static void deleteContents(Path directory) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }
}
