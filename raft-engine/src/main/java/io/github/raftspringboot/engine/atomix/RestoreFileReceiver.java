package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.atomix.peer.RestoreFilePiece;

/**
 * Receives the pieces of restores' files sent by another member ({@link RestoreFilePush}) into
 * {@code <id>.part} files of {@link RestoreFiles}' directory, checks each file against the SHA-256 its last piece
 * carries, and hands it over whole. Pieces are written on a thread of its own, never on the gRPC thread that received
 * them; they may come in any order, and a new transfer of the same restore (the sender started again) replaces the
 * one before.
 */
final class RestoreFileReceiver implements AutoCloseable {

    /** A transfer that got no piece for this long is dropped (its sender's upload failed, or the sender stopped). */
    static final Duration TRANSFER_IDLE = Duration.ofMinutes(10);

    /** A restore's file may not leave less than this free on the disk (the log and snapshots need it). */
    private static final long DISK_MARGIN = 256L * 1024 * 1024;

    static final String PARTIAL = ".part";

    private static final Logger logger = LoggerFactory.getLogger(RestoreFileReceiver.class);

    private final RestoreFiles files;

    private final Path directory;

    private final ExecutorService writer;

    /** The transfers being received, by restore id; writer thread only. */
    private final Map<String, Incoming> incoming = new ConcurrentHashMap<>();

    RestoreFileReceiver(RestoreFiles files, Path directory, String nodeId) {
        this.files = files;
        this.directory = directory;
        this.writer = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "raft-" + nodeId + "-restore-files");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** See {@link RestoreFiles#receive}. */
    CompletableFuture<Long> receive(RestoreFilePiece piece) {
        String problem = invalid(piece);
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        return CompletableFuture.supplyAsync(() -> write(piece), writer);
    }

    /** Drops, on the writer thread, the transfers that got no piece for {@link #TRANSFER_IDLE}. */
    void dropIdleTransfersSoon() {
        try {
            writer.execute(this::dropIdleTransfers);
        }
        catch (RejectedExecutionException stopping) {
            logger.debug("Idle restore transfers not dropped: the node is stopping");
        }
    }

    private static String invalid(RestoreFilePiece piece) {
        if (!RestoreFiles.validId(piece.getId())) {
            return "a restore file piece names no valid restore id";
        }
        if (piece.getSize() < 0) {
            return "a restore file piece announces no valid size";
        }
        if (piece.getOffset() < 0 || piece.getOffset() + piece.getData().size() > piece.getSize()) {
            return "a restore file piece lies outside its file (" + piece.getOffset() + " + "
                    + piece.getData().size() + " of " + piece.getSize() + " bytes)";
        }
        boolean last = piece.getOffset() + piece.getData().size() == piece.getSize();
        if (last ? piece.getSha256().size() != 32 : !piece.getSha256().isEmpty()) {
            return "a restore file piece must carry the file's SHA-256 (32 bytes) if it ends the file, and only then";
        }
        return null;
    }

    /** On the writer thread. */
    private long write(RestoreFilePiece piece) {
        String id = piece.getId();
        if (files.holds(id, piece.getSize())) {
            // Sent again (the sender's answer was lost): the file is here and verified already.
            return piece.getSize();
        }
        Incoming transfer = incoming.get(id);
        try {
            if (transfer == null || transfer.number != piece.getTransfer()) {
                if (transfer != null) {
                    transfer.channel.close();
                }
                transfer = start(piece);
                incoming.put(id, transfer);
            }
            ByteBuffer data = piece.getData().asReadOnlyByteBuffer();
            for (long at = piece.getOffset(); data.hasRemaining();) {
                at += transfer.channel.write(data, at);
            }
            transfer.sync.written(piece.getData().size());
            transfer.hash(piece);
            transfer.received += piece.getData().size();
            if (transfer.received < piece.getSize()) {
                return transfer.received;
            }
            incoming.remove(id);
            complete(id, transfer, piece);
            return piece.getSize();
        }
        catch (IOException ex) {
            abandon(id);
            files.transferFailed(id, ex);
            throw new UncheckedIOException("Could not write restore " + id + "'s file on this node: " + ex.getMessage(),
                    ex);
        }
    }

    private Incoming start(RestoreFilePiece piece) throws IOException {
        long usable = Files.getFileStore(directory).getUsableSpace();
        if (usable - piece.getSize() < DISK_MARGIN) {
            throw new IOException("not enough free disk for restore " + piece.getId() + "'s " + piece.getSize()
                    + " bytes: " + usable + " bytes free in " + directory + ", of which "
                    + DISK_MARGIN + " must stay free");
        }
        Path partial = directory.resolve(piece.getId() + PARTIAL);
        FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
        return new Incoming(piece.getTransfer(), partial, channel, files.backgroundSync(channel, partial));
    }

    private void complete(String id, Incoming transfer, RestoreFilePiece piece) throws IOException {
        transfer.sync.finish();
        transfer.channel.force(true);
        transfer.channel.close();
        // Pieces hashed as they came, in order (one stream); re-read only if they came in another order.
        byte[] sha256 = (transfer.hashed == piece.getSize()) ? transfer.digest.digest() : Sha256.of(transfer.partial);
        if (!MessageDigest.isEqual(sha256, transfer.expected)) {
            BackupSpool.deleteQuietly(transfer.partial);
            throw new IOException("restore " + id + "'s file arrived damaged (SHA-256 mismatch)");
        }
        Files.move(transfer.partial, files.file(id), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        files.verifiedOnArrival(id, sha256);
        files.arrived(id);
        logger.info("Holding restore {}'s file ({} bytes), received and verified", id, piece.getSize());
    }

    /** On the writer thread. */
    private void dropIdleTransfers() {
        long now = System.nanoTime();
        incoming.forEach((id, transfer) -> {
            if (now - transfer.lastPiece > TRANSFER_IDLE.toNanos()) {
                logger.info("Dropping the {} bytes received of restore {}'s file: nothing came for {} min",
                        transfer.received, id, TRANSFER_IDLE.toMinutes());
                abandon(id);
            }
        });
    }

    private void abandon(String id) {
        Incoming transfer = incoming.remove(id);
        if (transfer != null) {
            try {
                transfer.channel.close();
            }
            catch (IOException ex) {
                logger.debug("Could not close restore {}'s partial file: {}", id, ex.toString());
            }
            BackupSpool.deleteQuietly(transfer.partial);
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
        incoming.keySet().forEach(this::abandon);
    }

    /** A file being received. */
    private static final class Incoming {

        final long number;

        final Path partial;

        final FileChannel channel;

        long received;

        /** The file's SHA-256 as its last piece announces it. */
        byte[] expected;

        final MessageDigest digest = Sha256.newDigest();

        /** How many bytes from the file's start went through {@link #digest}. */
        long hashed;

        /** Writes the file to disk while it arrives, so that the sync at its end is short. */
        final BackgroundSync sync;

        Incoming(long number, Path partial, FileChannel channel, BackgroundSync sync) {
            this.number = number;
            this.partial = partial;
            this.channel = channel;
            this.sync = sync;
        }

        /** {@link System#nanoTime} of the last piece. */
        long lastPiece = System.nanoTime();

        void hash(RestoreFilePiece piece) {
            lastPiece = System.nanoTime();
            if (!piece.getSha256().isEmpty()) {
                expected = piece.getSha256().toByteArray();
            }
            if (piece.getOffset() == hashed) {
                piece.getData().asReadOnlyByteBufferList().forEach(digest::update);
                hashed += piece.getData().size();
            }
        }
    }
}
