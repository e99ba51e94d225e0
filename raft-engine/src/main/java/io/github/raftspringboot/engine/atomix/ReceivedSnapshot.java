package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import io.atomix.protocols.raft.storage.snapshot.SnapshotDescriptor;
import io.atomix.protocols.raft.storage.snapshot.SnapshotReader;
import io.atomix.protocols.raft.storage.snapshot.SnapshotStore;
import io.atomix.protocols.raft.storage.snapshot.SnapshotWriter;
import io.atomix.utils.time.WallClockTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snapshot a follower receives from the leader, written to its file chunk by chunk as the chunks arrive. Atomix
 * opens a writer for each chunk (32 KB): the writer collects that one chunk on the heap and its close appends it to
 * the file, so the heap holds one chunk at a time whatever the size of the snapshot (Atomix collected the whole
 * snapshot in a heap buffer that doubles as it grows: 512 MB plus a copy for a 354 MB snapshot).
 * <p>
 * The file is Atomix's own {@code raft-<index>.snapshot} layout (descriptor, length, data), its descriptor unlocked
 * until the snapshot is complete, so a start-up after a crash in the middle deletes it. When the last chunk has
 * arrived ({@link #persist}), the length is written, the file is forced to disk and its data is read back and
 * compared with the checksum of what was received; only then does Atomix lock it and make it the current snapshot.
 */
final class ReceivedSnapshot extends Snapshot {

    private static final Logger logger = LoggerFactory.getLogger(ReceivedSnapshot.class);

    /** Atomix's snapshot descriptor: index (8), timestamp (8), version (4), locked (1), padded to 64 bytes. */
    private static final int HEADER = SnapshotDescriptor.BYTES + Integer.BYTES;

    /** The chunks' array, at first: the leader's push sends 256 KB chunks ({@link SnapshotPush#CHUNK_BYTES}). */
    private static final int CHUNK_CAPACITY = SnapshotPush.CHUNK_BYTES;

    /** The read-back check's buffer, outside the heap: the file's bytes are not copied into an array to be summed. */
    private static final int CHECK_BUFFER = 1024 * 1024;

    /**
     * What was written is forced to disk in the background each time this much more has arrived, so that the force
     * of the last chunk has little left to write: the kernel's own write-back waits up to 30 s, and forcing a whole
     * 345 MB snapshot at the end took seconds.
     */
    private static final long FLUSH_EVERY = 32L * 1024 * 1024;

    /** A thread for each background force: a few per snapshot. */
    private static final Executor FLUSHER = task -> {
        Thread thread = new Thread(task, "raft-snapshot-flush");
        thread.setDaemon(true);
        thread.start();
    };

    private final Path file;

    private final FileChannel channel;

    private final CRC32C received = new CRC32C();

    private final Consumer<ReceivedSnapshot> onDone;

    /** Told of each chunk's bytes as it is written, for the progress report. */
    private final LongConsumer written;

    /** The array each chunk is collected in, allocated with the first and reused ({@link ChunkBuffer}). */
    private ChunkBuffer.BulkBytes chunkBytes;

    private ChunkBuffer chunk;

    private long length;

    private int largestChunk;

    /** Bytes written since the last background force started. */
    private long unflushed;

    private CompletableFuture<Void> flushing = CompletableFuture.completedFuture(null);

    private boolean done;

    private ReceivedSnapshot(SnapshotDescriptor descriptor, SnapshotStore store, Path file, FileChannel channel,
            LongConsumer written, Consumer<ReceivedSnapshot> onDone) {
        super(descriptor, store);
        this.file = file;
        this.channel = channel;
        this.written = written;
        this.onDone = onDone;
    }

    /**
     * Creates the file (replacing what an interrupted install left) with an unlocked descriptor. {@code written} is
     * told the size of each chunk written, {@code onDone} when the snapshot is persisted or abandoned.
     */
    static ReceivedSnapshot create(SnapshotStore store, Path file, long index, WallClockTimestamp timestamp,
            LongConsumer written, Consumer<ReceivedSnapshot> onDone) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            header.putLong(index).putLong(timestamp.unixTimestamp()).putInt(SnapshotDescriptor.VERSION).put((byte) 0);
            header.position(SnapshotDescriptor.BYTES).putInt(0).flip();
            writeFully(channel, header, 0);
        }
        catch (IOException | RuntimeException ex) {
            channel.close();
            Files.deleteIfExists(file);
            throw ex;
        }
        SnapshotDescriptor descriptor = SnapshotDescriptor.builder()
            .withIndex(index)
            .withTimestamp(timestamp.unixTimestamp())
            .build();
        return new ReceivedSnapshot(descriptor, store, file, channel, written, onDone);
    }

    @Override
    public synchronized SnapshotWriter openWriter() {
        checkWriter();
        checkOpen();
        if (chunkBytes == null) {
            chunkBytes = new ChunkBuffer.BulkBytes(CHUNK_CAPACITY);
        }
        chunk = ChunkBuffer.over(chunkBytes);
        return openWriter(new SnapshotWriter(chunk, this), descriptor);
    }

    /** Appends the chunk just written to the file. */
    @Override
    protected synchronized void closeWriter(SnapshotWriter writer) {
        try {
            int size = chunk.position();
            if ((long) HEADER + length + size > Integer.MAX_VALUE) {
                // Atomix's snapshot files record their length in an int.
                throw new IllegalStateException("Snapshot " + index() + " is larger than 2 GB, the most Atomix's "
                        + "snapshot files can hold");
            }
            writeFully(channel, ByteBuffer.wrap(chunk.array(), 0, size), HEADER + length);
            received.update(chunk.array(), 0, size);
            length += size;
            largestChunk = Math.max(largestChunk, size);
            written.accept(size);
            unflushed += size;
            if (unflushed >= FLUSH_EVERY && flushing.isDone()) {
                unflushed = 0;
                flushing = CompletableFuture.runAsync(this::forceInBackground, FLUSHER);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not write to the snapshot received from the leader, " + file, ex);
        }
        finally {
            chunk.close();
            chunk = null;
            super.closeWriter(writer);
        }
    }

    /**
     * The last chunk has arrived: records the length, forces the file to disk and checks that what is on disk is what
     * was received, then hands Atomix the file as a snapshot to complete (lock and make current).
     */
    @Override
    public synchronized Snapshot persist() {
        checkOpen();
        try {
            ByteBuffer size = ByteBuffer.allocate(Integer.BYTES).putInt((int) length).flip();
            writeFully(channel, size, SnapshotDescriptor.BYTES);
            flushing.join();
            channel.force(true);
            long onDisk = checksumOnDisk();
            if (onDisk != received.getValue()) {
                throw new IllegalStateException("Snapshot " + index() + " received from the leader reads back from "
                        + file + " with another checksum (" + Long.toHexString(onDisk) + " instead of "
                        + Long.toHexString(received.getValue()) + "): the disk did not keep what was written");
            }
            finish();
        }
        catch (IOException ex) {
            abandon();
            throw new UncheckedIOException("Could not complete the snapshot received from the leader, " + file, ex);
        }
        catch (RuntimeException ex) {
            abandon();
            throw ex;
        }
        logger.info("Received snapshot {} from the leader: {} bytes written to {} as they arrived, in chunks of up to {} "
                + "bytes", index(), length, file.getFileName(), largestChunk);
        return store.newSnapshot(index(), timestamp());
    }

    private void forceInBackground() {
        try {
            channel.force(false);
        }
        catch (IOException ex) {
            // Closed when the install was abandoned, or a real failure, which the force of the last chunk reports.
            logger.debug("Background force of the snapshot being received to {} failed: {}", file, ex.toString());
        }
    }

    private long checksumOnDisk() throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHECK_BUFFER);
        long position = HEADER;
        long end = HEADER + length;
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                break;
            }
            buffer.flip();
            crc.update(buffer);
            position += read;
        }
        return crc.getValue();
    }

    @Override
    public SnapshotReader openReader() {
        throw new IllegalStateException("Snapshot " + index() + " is still being received from the leader");
    }

    @Override
    public boolean isPersisted() {
        return true;
    }

    /** Atomix rolls back an install the leader abandoned (close, then delete). */
    @Override
    public synchronized void close() {
        if (!done) {
            abandon();
        }
    }

    @Override
    public synchronized void delete() {
        if (!done) {
            abandon();
        }
    }

    /** The bytes of the snapshot received so far. */
    synchronized long length() {
        return length;
    }

    /** The most the heap held of this snapshot at once: one chunk. */
    synchronized int largestChunk() {
        return largestChunk;
    }

    Path file() {
        return file;
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("Snapshot " + index() + " received from the leader is already closed");
        }
    }

    private void finish() throws IOException {
        done = true;
        channel.close();
        onDone.accept(this);
    }

    private void abandon() {
        done = true;
        try {
            channel.close();
            Files.deleteIfExists(file);
        }
        catch (IOException ex) {
            // Its descriptor is unlocked: the next start deletes it.
            logger.warn("Could not delete the incomplete snapshot {}: {}", file, ex.toString());
        }
        onDone.accept(this);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }
}
