package io.atomix.storage.journal;

import java.lang.reflect.Field;

/** The private fields of Atomix's segment writers that {@link ChannelWrittenSegmentWriter} reads and sets. */
final class SegmentWriterFields {

    static final Field WRITER = field(MappableJournalSegmentWriter.class, "writer");

    static final Field CHANNEL = field(MappableJournalSegmentWriter.class, "channel");

    static final Field MAX_ENTRY_SIZE = field(MappableJournalSegmentWriter.class, "maxEntrySize");

    static final Field INDEX = field(MappableJournalSegmentWriter.class, "index");

    static final Field NAMESPACE = field(MappableJournalSegmentWriter.class, "namespace");

    static final Field BUFFER = field(MappedJournalSegmentWriter.class, "buffer");

    private SegmentWriterFields() {
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }
        catch (NoSuchFieldException ex) {
            throw new IllegalStateException("Atomix's " + owner.getSimpleName() + " has no field " + name, ex);
        }
    }
}
