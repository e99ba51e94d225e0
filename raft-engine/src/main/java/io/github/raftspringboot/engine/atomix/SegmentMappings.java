package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.impl.RaftServiceManager;
import io.atomix.protocols.raft.storage.log.RaftLog;
import io.atomix.storage.StorageLevel;
import io.atomix.storage.journal.ChannelWrittenSegments;
import io.atomix.storage.journal.DelegatingJournalReader;
import io.atomix.storage.journal.JournalSegment;
import io.atomix.storage.journal.SegmentWrittenMark;
import io.atomix.storage.journal.SegmentedJournal;
import io.atomix.storage.journal.SegmentedJournalReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a log segment that Atomix has memory-mapped mapped until the segment is closed, and one it has not mapped
 * (an old segment found at start-up) unmapped for good, so that no segment is ever converted back.
 * <p>
 * Why: Atomix 3.1.12 maps a segment when a reader or the writer first acquires it, and unmaps it when the last one
 * releases it and whenever the segment is closed (compaction, truncation, a snapshot installed, shutdown). To unmap,
 * it replaces the segment's writer with a {@code FileChannel} writer whose constructor re-reads and deserializes
 * the whole segment, on the thread that released or closed it: the Raft thread, for seconds per 32 MB segment (a
 * follower's append stepping back into the previous segment, a leader's segment roll-over, each segment a
 * compaction deletes). Atomix decides to map or unmap by the segment's storage level alone, so once a segment's
 * mapping exists this sets its level to {@code DISK}: acquiring and releasing it then leave the mapping alone, new
 * readers still read the mapping, and {@code close()} flushes and unmaps the buffer without converting the writer.
 * Reference counts stop mattering, which also makes harmless that Atomix never releases the segment of a reader it
 * closes. Segments that were not mapped keep their {@code FileChannel} reader (old entries: replay and catch-up),
 * read linearly thanks to {@link SegmentPadding}.
 * <p>
 * A closed segment's mapping is freed (as Atomix always did when it unmapped), so no reader may touch a closed
 * segment. Atomix moves the readers that compaction leaves behind, except one that has read its segment to the end
 * and not yet looked for the next one (it does so at its next read, in the closed segment): each pass moves such a
 * Raft-thread reader into the next segment, long before compaction (which waits at least 10 s after its snapshot)
 * can close the one it finished. The state machine's reader, on its own thread, is never that far behind.
 * <p>
 * The level is a private final field of Atomix's (archived, pinned) segment class, set by reflection; if that is
 * refused, a warning says so and the node runs with Atomix's own behaviour. {@link #keep} must run on the thread that
 * writes the journal (the Raft thread), or before the server starts; segments created since (the writer's next
 * segment, a reset after a snapshot install) are mapped by the writer at once and are kept at the next pass, which the
 * engine schedules every heartbeat interval.
 */
final class SegmentMappings {

    private static final Logger logger = LoggerFactory.getLogger(SegmentMappings.class);

    private static final Reflection REFLECTION = Reflection.find();

    private static final AtomicBoolean warned = new AtomicBoolean();

    /** Null when Atomix's classes are not as expected: nothing is done. */
    private final SegmentedJournal<?> journal;

    /** The thread that writes the journal. */
    private final Executor raftThread;

    /** The one reader used on another thread (the state machine's), which a pass must not move; may be null. */
    private final Object otherThreadsReader;

    /** Writes large entries with pwrite; installed on each mapped segment by the passes. */
    private final SegmentWrites writes = SegmentWrites.fromSystemProperty();

    private SegmentMappings(SegmentedJournal<?> journal, Executor raftThread, Object otherThreadsReader) {
        this.journal = journal;
        this.raftThread = raftThread;
        this.otherThreadsReader = otherThreadsReader;
    }

    /** The mappings of the log of {@code context}, kept on its Raft thread. */
    static SegmentMappings of(RaftContext context) {
        if (REFLECTION == null) {
            return new SegmentMappings(null, context.getThreadContext(), null);
        }
        return new SegmentMappings(REFLECTION.journalOf(context.getLog()), context.getThreadContext(),
                REFLECTION.stateMachineReader(context));
    }

    /** For a journal used on its own (tests): {@link #keep} runs on the caller's thread, every reader is its own. */
    static SegmentMappings of(SegmentedJournal<?> journal) {
        return new SegmentMappings(journal, Runnable::run, null);
    }

    /**
     * The segment the writer appends to (the last one) and what its writer has written so far, or null if unknown.
     * Call it on the thread that writes the journal (the mark reads the writer's count of changes).
     */
    SegmentToSync writersSegmentToSync() {
        JournalSegment<?> last = null;
        if (journal != null) {
            // The journal's segments are a concurrent map.
            for (JournalSegment<?> segment : journal.segments()) {
                last = segment;
            }
        }
        if (last == null) {
            return null;
        }
        SegmentWrittenMark written;
        try {
            written = ChannelWrittenSegments.writtenMark(last);
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            logger.debug("Cannot read the log writer's changes: the commit-time sync does all the work", ex);
            written = null;
        }
        return new SegmentToSync(last.file().file(), written);
    }

    /** Changes whenever a segment is added or removed (a pass is then due soon); from any thread. */
    long segmentsFingerprint() {
        if (journal == null) {
            return 0;
        }
        long fingerprint = 1;
        for (JournalSegment<?> segment : journal.segments()) {
            fingerprint = 31 * fingerprint + segment.id();
        }
        return fingerprint;
    }

    /** Runs {@link #keep} on the Raft thread (after the requests queued there); nothing once the node is closed. */
    void keepSoon() {
        try {
            raftThread.execute(this::keep);
        }
        catch (RejectedExecutionException ex) {
            logger.debug("The Raft thread is closed; segments are no longer kept mapped");
        }
    }

    /**
     * One pass over the open segments: each one whose level is still {@code MAPPED} is kept as it is now (mapped or
     * not); the last segment (the writer's) is mapped first if it is not. Returns how many segments it changed.
     */
    int keep() {
        if (journal == null || !journal.isOpen()) {
            return 0;
        }
        int changed = 0;
        try {
            List<JournalSegment<?>> segments = new ArrayList<>(journal.segments());
            JournalSegment<?> last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            for (JournalSegment<?> segment : segments) {
                if (segment.isOpen() && REFLECTION.keep(segment, segment == last)) {
                    changed++;
                }
                if (segment.isOpen()) {
                    writes.install(segment);
                }
            }
            for (SegmentedJournalReader<?> reader : REFLECTION.readersOf(journal)) {
                if (reader != otherThreadsReader) {
                    REFLECTION.moveOnIfFinished(reader, journal);
                }
            }
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            if (warned.compareAndSet(false, true)) {
                logger.warn("Could not keep the log segments mapped ({}); Atomix re-reads a segment when it unmaps "
                        + "it, which can hold up the Raft thread", ex.toString());
            }
        }
        return changed;
    }

    /** The private parts of Atomix's journal that this class reads or sets; {@code null} if any is missing. */
    private record Reflection(Field journalOfLog, Field storageLevel, Method writerBuffer, Method map,
            Field readersOfJournal, Field segmentOfReader, Field readerOfServiceManager, Field delegateOfReader) {

        static Reflection find() {
            try {
                // The writer's class is package-private: reached through the return type of the public writer().
                Class<?> mappableWriter = JournalSegment.class.getMethod("writer").getReturnType();
                return new Reflection(field(RaftLog.class, "journal"), field(JournalSegment.class, "storageLevel"),
                        method(mappableWriter, "buffer"), method(JournalSegment.class, "map"),
                        field(SegmentedJournal.class, "readers"), field(SegmentedJournalReader.class, "currentSegment"),
                        field(RaftServiceManager.class, "reader"), field(DelegatingJournalReader.class, "delegate"));
            }
            catch (ReflectiveOperationException | RuntimeException ex) {
                logger.warn("Atomix's journal segments cannot be kept mapped in this JVM ({}); a segment is re-read "
                        + "when Atomix unmaps it, which can hold up the Raft thread", ex.toString());
                return null;
            }
        }

        private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }

        private static Method method(Class<?> owner, String name) throws NoSuchMethodException {
            Method method = owner.getDeclaredMethod(name);
            method.setAccessible(true);
            return method;
        }

        Object stateMachineReader(RaftContext context) {
            try {
                return delegateOfReader.get(readerOfServiceManager.get(context.getServiceManager()));
            }
            catch (IllegalAccessException ex) {
                throw new IllegalStateException("Cannot reach the state machine's log reader", ex);
            }
        }

        List<SegmentedJournalReader<?>> readersOf(SegmentedJournal<?> journal) throws IllegalAccessException {
            List<SegmentedJournalReader<?>> readers = new ArrayList<>();
            for (Object reader : (Collection<?>) readersOfJournal.get(journal)) {
                readers.add((SegmentedJournalReader<?>) reader);
            }
            return readers;
        }

        /** Steps a reader that has read its (open) segment to the end into the next segment, if there is one. */
        void moveOnIfFinished(SegmentedJournalReader<?> reader, SegmentedJournal<?> journal)
                throws IllegalAccessException {
            JournalSegment<?> segment = (JournalSegment<?>) segmentOfReader.get(reader);
            if (segment != null && segment.isOpen() && reader.getNextIndex() > segment.lastIndex()
                    && journal.segments(reader.getNextIndex()).stream()
                        .anyMatch(next -> next.index() == reader.getNextIndex())) {
                reader.hasNext();
            }
        }

        SegmentedJournal<?> journalOf(RaftLog log) {
            try {
                return (SegmentedJournal<?>) journalOfLog.get(log);
            }
            catch (IllegalAccessException ex) {
                throw new IllegalStateException("Cannot reach the journal of Atomix's Raft log", ex);
            }
        }

        /** Keeps one segment as it is (mapping the writer's segment first); true if its level was changed. */
        boolean keep(JournalSegment<?> segment, boolean writersSegment) throws ReflectiveOperationException {
            if (writersSegment && writerBuffer.invoke(segment.writer()) == null) {
                // Reads at the tail of the log must go through a mapping (docs/benchmarks.md, memory-mapped segments).
                storageLevel.set(segment, StorageLevel.MAPPED);
                map.invoke(segment);
            }
            if (storageLevel.get(segment) != StorageLevel.MAPPED) {
                return false;
            }
            storageLevel.set(segment, StorageLevel.DISK);
            return true;
        }
    }
}
