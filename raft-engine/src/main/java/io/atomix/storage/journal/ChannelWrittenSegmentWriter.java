package io.atomix.storage.journal;

import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import io.atomix.storage.StorageException;
import io.atomix.storage.journal.index.JournalIndex;
import io.atomix.utils.memory.BufferCleaner;
import io.atomix.utils.serializer.Namespace;

/**
 * The writer of a memory-mapped log segment that writes its larger entries to the segment's file with positional
 * writes ({@code pwrite}) instead of storing them into the mapping; every reader still reads the mapping, which shows
 * the same page cache. Small entries are stored into the mapping as Atomix does.
 * <p>
 * Why: a page written through a shared file mapping is dirty in the page table, and every sync that writes it back
 * (the commit's {@code msync}, the leader's early {@code fdatasync}) write-protects it again: the kernel clears the
 * entry and flushes it from the TLB of every CPU that runs the JVM (an inter-processor interrupt, dear in a VM), and
 * the next store into the page takes a write fault. Atomix's writer pays that for every page of every entry: in a
 * profile of 64 KB puts it was 13 % of the three nodes' CPU (docs/benchmarks.md, "The log written with pwrite"). A
 * page written with {@code pwrite} is dirty in the page cache only; no page table entry is writable, so its
 * write-back flushes no TLB. A store costs less than a system call, so entries below a threshold still go into the
 * mapping.
 * <p>
 * The entry format is Atomix's ({@link EntryFrames}). An entry is framed in a scratch buffer first; a reader on another
 * thread that meets it half-copied sees a checksum that does not match, which Atomix reads as "no entry yet", as it
 * does for a half-stored one.
 * <p>
 * This class lives in Atomix's package because Atomix decides whether a segment is mapped by the class of its writer
 * ({@code instanceof MappedJournalSegmentWriter}); it extends that class for this alone and uses none of its state.
 * {@link ChannelWrittenSegments#install} puts it in place of the writer Atomix made when it mapped the segment, on the
 * thread that writes the journal.
 * <p>
 * A flush with nothing written since the last sync of the file skips its {@code msync}: on a follower, Atomix syncs the
 * log when an append advances the commit index, and the acknowledgement's sync right after it found nothing left to
 * write but still cost the file system's sync (about 50 µs on the project's machine, on every write's path). A sync
 * made on another thread counts too when it is credited through {@link ChannelWrittenSegments#writtenMark} (the
 * leader's early sync).
 */
public final class ChannelWrittenSegmentWriter<E> extends MappedJournalSegmentWriter<E> {

    private static final int HEADER_BYTES = EntryFrames.HEADER_BYTES;

    private final MappedByteBuffer mapped;

    /** The whole mapping, for reading entries and storing small ones. */
    private final ByteBuffer view;

    private final FileChannel channel;

    private final JournalSegment<E> segment;

    private final int maxEntrySize;

    private final JournalIndex index;

    private final Namespace namespace;

    private final EntryFrames frames;

    private final int channelWriteThreshold;

    /** False while the superclass's constructor runs (it calls {@link #reset(long)}, which must then do nothing). */
    private final boolean ready;

    /** Where the next entry goes: its offset in the file and in the mapping. */
    private int position;

    private Indexed<E> lastEntry;

    /**
     * The appends and truncations made so far; only the writing thread changes it. It starts at 1: what Atomix's
     * writer wrote before this one took over may not be synced yet.
     */
    private long changes = 1;

    /** The most changes a finished sync of the file is known to cover; raised from any thread. */
    private final AtomicLong syncedChanges = new AtomicLong();

    /** The {@code msync}s this writer made (diagnostics, tests). */
    private final AtomicLong syncs = new AtomicLong();

    ChannelWrittenSegmentWriter(MappedByteBuffer mapped, FileChannel channel, JournalSegment<E> segment,
            int maxEntrySize, JournalIndex index, Namespace namespace, int position, Indexed<E> lastEntry,
            EntryFrames frames, int channelWriteThreshold) {
        super(mapped, segment, maxEntrySize, index, namespace);
        this.mapped = mapped;
        this.view = mapped.duplicate();
        this.channel = channel;
        this.segment = segment;
        this.maxEntrySize = maxEntrySize;
        this.index = index;
        this.namespace = namespace;
        this.position = position;
        this.lastEntry = lastEntry;
        this.frames = frames;
        this.channelWriteThreshold = channelWriteThreshold;
        this.ready = true;
    }

    /** The appends and truncations made so far (the thread that writes the journal). */
    long changes() {
        return changes;
    }

    /** The {@code msync}s this writer made. */
    long syncCount() {
        return syncs.get();
    }

    /** Credits this writer with a finished sync of its file that covers {@code upTo} changes (any thread). */
    void synced(long upTo) {
        syncedChanges.accumulateAndGet(upTo, Math::max);
    }

    @Override
    MappedByteBuffer buffer() {
        return mapped;
    }

    @Override
    public long getLastIndex() {
        return (lastEntry != null) ? lastEntry.index() : segment.index() - 1;
    }

    @Override
    public Indexed<E> getLastEntry() {
        return lastEntry;
    }

    @Override
    public long getNextIndex() {
        return (lastEntry != null) ? lastEntry.index() + 1 : segment.index();
    }

    @Override
    public long size() {
        return position + JournalSegmentDescriptor.BYTES;
    }

    @Override
    public boolean isEmpty() {
        return lastEntry == null;
    }

    @Override
    public void append(Indexed<E> entry) {
        long nextIndex = getNextIndex();
        if (entry.index() > nextIndex) {
            throw new IndexOutOfBoundsException("Entry index is not sequential");
        }
        if (entry.index() < nextIndex) {
            truncate(entry.index() - 1);
        }
        append(entry.entry());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends E> Indexed<T> append(T entry) {
        if (position + HEADER_BYTES > view.limit()) {
            throw new BufferOverflowException();
        }
        ByteBuffer framed = frames.frame(namespace, entry, maxEntrySize);
        int length = framed.remaining() - HEADER_BYTES;
        if (position + framed.remaining() > view.limit()) {
            // Atomix's writer runs out of mapping here too: the journal goes on in a new segment.
            throw new BufferOverflowException();
        }
        if (framed.remaining() >= channelWriteThreshold) {
            writeFully(framed, position);
        }
        else {
            view.put(position, framed, 0, framed.remaining());
        }
        changes++;
        long entryIndex = getNextIndex();
        Indexed<E> indexed = new Indexed<>(entryIndex, entry, length);
        index.index(entryIndex, position);
        position += HEADER_BYTES + length;
        lastEntry = indexed;
        return (Indexed<T>) indexed;
    }

    private void writeFully(ByteBuffer bytes, long at) {
        try {
            long offset = at;
            while (bytes.hasRemaining()) {
                offset += channel.write(bytes, offset);
            }
        }
        catch (IOException ex) {
            throw new StorageException(ex);
        }
    }

    @Override
    public void commit(long index) {
        // Nothing to do: entries are durable when the journal is flushed.
    }

    /** Reads the entries of the segment from its start (up to {@code lastIndex}, or all if 0) to find its end. */
    @Override
    public void reset(long lastIndex) {
        if (!ready) {
            return;
        }
        long nextIndex = segment.index();
        int at = JournalSegmentDescriptor.BYTES;
        Indexed<E> last = null;
        try {
            while (lastIndex == 0 || nextIndex <= lastIndex) {
                int length = view.getInt(at);
                if (length <= 0 || length > maxEntrySize) {
                    break;
                }
                long checksum = view.getInt(at + Integer.BYTES) & 0xFFFFFFFFL;
                ByteBuffer bytes = view.slice(at + HEADER_BYTES, length);
                CRC32 crc32 = new CRC32();
                crc32.update(bytes);
                if (checksum != crc32.getValue()) {
                    break;
                }
                last = new Indexed<>(nextIndex, namespace.deserialize(bytes.rewind()), length);
                index.index(nextIndex, at);
                nextIndex++;
                at += HEADER_BYTES + length;
            }
        }
        catch (IndexOutOfBoundsException | BufferUnderflowException ex) {
            // The mapping ends inside an entry's header or bytes: the entries before it are the segment's.
        }
        lastEntry = last;
        position = at;
    }

    @Override
    public void truncate(long lastIndex) {
        if (lastIndex >= getLastIndex()) {
            return;
        }
        lastEntry = null;
        index.truncate(lastIndex);
        if (lastIndex < segment.index()) {
            position = JournalSegmentDescriptor.BYTES;
        }
        else {
            reset(lastIndex);
        }
        // A zero length ends the segment here for every reader, and for this writer's next start.
        writeFully(ByteBuffer.allocate(HEADER_BYTES), position);
        changes++;
    }

    @Override
    public void flush() {
        long upTo = changes;
        if (syncedChanges.get() >= upTo) {
            return; // nothing written since the last sync of the file
        }
        // msync of the mapping: it writes back the file's dirty pages in its range, those written with pwrite too.
        mapped.force();
        syncs.incrementAndGet();
        synced(upTo);
    }

    @Override
    public void close() {
        flush();
        try {
            BufferCleaner.freeBuffer(mapped);
        }
        catch (IOException ex) {
            throw new StorageException(ex);
        }
    }
}
