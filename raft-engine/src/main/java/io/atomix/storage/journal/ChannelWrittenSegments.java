package io.atomix.storage.journal;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import io.atomix.storage.journal.index.JournalIndex;
import io.atomix.utils.serializer.Namespace;

/**
 * Puts a {@link ChannelWrittenSegmentWriter} in place of the mapped writer Atomix made for a segment, and finds it
 * again (the mark a sync made elsewhere is credited against, the syncs it made). Atomix keeps the writer in a private
 * field of the segment's {@link MappableJournalSegmentWriter} ({@link SegmentWriterFields}).
 */
public final class ChannelWrittenSegments {

    private ChannelWrittenSegments() {
    }

    /**
     * Puts a {@link ChannelWrittenSegmentWriter} in place of the mapped writer of {@code segment}, carrying on where
     * that one is. Returns false, changing nothing, when the segment is not mapped or already has one. Call it on the
     * thread that writes the journal. {@code channelWriteThreshold}: the framed size in bytes from which an entry is
     * written with {@code pwrite}.
     */
    public static boolean install(JournalSegment<?> segment, EntryFrames frames, int channelWriteThreshold)
            throws ReflectiveOperationException {
        return installTyped(segment, frames, channelWriteThreshold);
    }

    @SuppressWarnings("unchecked")
    private static <E> boolean installTyped(JournalSegment<E> segment, EntryFrames frames, int channelWriteThreshold)
            throws ReflectiveOperationException {
        MappableJournalSegmentWriter<E> mappable = segment.writer();
        Object current = SegmentWriterFields.WRITER.get(mappable);
        if (!(current instanceof MappedJournalSegmentWriter<?>) || current instanceof ChannelWrittenSegmentWriter<?>) {
            return false;
        }
        MappedJournalSegmentWriter<E> atomixWriter = (MappedJournalSegmentWriter<E>) current;
        int position = ((ByteBuffer) SegmentWriterFields.BUFFER.get(atomixWriter)).position();
        ChannelWrittenSegmentWriter<E> writer = new ChannelWrittenSegmentWriter<>(atomixWriter.buffer(),
                (FileChannel) SegmentWriterFields.CHANNEL.get(mappable), segment,
                SegmentWriterFields.MAX_ENTRY_SIZE.getInt(mappable),
                (JournalIndex) SegmentWriterFields.INDEX.get(mappable),
                (Namespace) SegmentWriterFields.NAMESPACE.get(mappable), position, atomixWriter.getLastEntry(), frames,
                channelWriteThreshold);
        // Atomix's writer is dropped without close(): closing it would unmap the buffer that this one goes on using.
        SegmentWriterFields.WRITER.set(mappable, writer);
        return true;
    }

    /** True when {@code segment}'s writer is a {@link ChannelWrittenSegmentWriter} (tests, diagnostics). */
    public static boolean isInstalled(JournalSegment<?> segment) throws ReflectiveOperationException {
        return installed(segment) != null;
    }

    /**
     * How many {@code msync}s the writer of {@code segment} made; -1 if it is not a
     * {@link ChannelWrittenSegmentWriter} (tests).
     */
    public static long syncs(JournalSegment<?> segment) throws ReflectiveOperationException {
        ChannelWrittenSegmentWriter<?> writer = installed(segment);
        return (writer != null) ? writer.syncCount() : -1;
    }

    /**
     * What the writer of {@code segment} has written so far, to be credited with a sync of the segment's file that
     * starts after this call; null when it is not a
     * {@link ChannelWrittenSegmentWriter}. Call it on the thread that writes the journal.
     */
    public static SegmentWrittenMark writtenMark(JournalSegment<?> segment) throws ReflectiveOperationException {
        ChannelWrittenSegmentWriter<?> writer = installed(segment);
        return (writer != null) ? new SegmentWrittenMark(writer, writer.changes()) : null;
    }

    private static ChannelWrittenSegmentWriter<?> installed(JournalSegment<?> segment)
            throws ReflectiveOperationException {
        return (SegmentWriterFields.WRITER.get(segment.writer()) instanceof ChannelWrittenSegmentWriter<?> writer)
                ? writer : null;
    }
}
