package io.atomix.storage.journal;

/**
 * What a {@link ChannelWrittenSegmentWriter} had written at a point in time. {@link #synced()} tells the writer that a
 * sync of its file ({@code fsync}, {@code fdatasync}) started after that point has finished: the writer's next flush
 * then skips its {@code msync} unless something was written since. Only for a platform where a file's sync writes back
 * the pages stored through its shared mappings, as Linux's does ({@code msync} and {@code fdatasync} both sync the
 * file's page cache there).
 */
public final class SegmentWrittenMark {

    private final ChannelWrittenSegmentWriter<?> writer;

    private final long changes;

    SegmentWrittenMark(ChannelWrittenSegmentWriter<?> writer, long changes) {
        this.writer = writer;
        this.changes = changes;
    }

    /** Credits the writer with a finished sync that covers what it had written when this mark was taken. */
    public void synced() {
        writer.synced(changes);
    }
}
