package io.github.raftspringboot.engine.atomix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.atomix.storage.StorageLevel;
import io.atomix.storage.journal.Indexed;
import io.atomix.storage.journal.JournalSegment;
import io.atomix.storage.journal.SegmentedJournal;
import io.atomix.storage.journal.SegmentedJournalReader;
import io.atomix.storage.journal.SegmentedJournalWriter;
import io.atomix.utils.serializer.Namespace;
import io.atomix.utils.serializer.Namespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storage stall of docs/benchmarks.md, measured as work rather than time: every entry Atomix's journal
 * deserializes is counted. Reading an entry costs one; re-reading a segment when Atomix unmaps it (the writer moving
 * to the next segment, a reader leaving a segment, compaction closing segments) costs one per entry of the segment,
 * on the thread that released or closed it (the Raft thread). With the segments kept mapped, those steps cost none.
 */
class SegmentMappingsTest {

    private static final Logger logger = LoggerFactory.getLogger(SegmentMappingsTest.class);

    private static final int SEGMENT_SIZE = 4 * 1024 * 1024;

    private static final int MAX_ENTRY_SIZE = 1024 * 1024;

    /** Deserializations by the journal (each entry read, by a reader or by a segment's re-read). */
    private static final AtomicLong READS = new AtomicLong();

    @TempDir
    Path dir;

    @Test
    void atomixAloneRereadsEverySegmentItUnmaps() throws Exception {
        Work work = rollOverReadAcrossAndCompact(Files.createDirectories(dir.resolve("atomix")), false);
        logger.info("Segment re-reads, Atomix alone: {}", work);
        // Each roll-over re-reads the segment the writer leaves (~38,000 entries), the reader's crossing maps and
        // unmaps two segments (a read each way), compaction re-reads the two segments still mapped.
        assertThat(work.rollOvers()).isGreaterThanOrEqualTo(2 * work.entriesPerSegment() - 10);
        assertThat(work.readAcross() - work.readByReader()).isGreaterThanOrEqualTo(3 * work.entriesPerSegment());
        assertThat(work.compaction()).isGreaterThanOrEqualTo(2 * work.entriesPerSegment() - 10);
        assertThat(work.entriesAfterRestart()).isEqualTo(work.entriesKept());
    }

    @Test
    void keptSegmentsAreNeverRereadWhenReleasedOrCompacted() throws Exception {
        Work work = rollOverReadAcrossAndCompact(Files.createDirectories(dir.resolve("kept")), true);
        logger.info("Segment re-reads, segments kept mapped: {}", work);
        assertThat(work.rollOvers()).as("entries re-read at the writer's segment roll-overs").isZero();
        // The reader deserializes what it reads, and a few entries twice (the first of a segment, the last read).
        assertThat(work.readAcross() - work.readByReader()).as("entries re-read as a reader crosses two segments")
            .isLessThan(10);
        // Only the lagging reader, moved to the segment compaction keeps, reads its first entries.
        assertThat(work.compaction()).as("entries read while compaction closes two mapped segments")
            .isLessThan(10);
        // Closing without the re-read lost nothing: the journal reopens with every entry it kept.
        assertThat(work.entriesAfterRestart()).isEqualTo(work.entriesKept());
    }

    @Test
    void oldSegmentsStayReadableAndTheWritersSegmentIsMappedAgainAfterATruncation() throws Exception {
        Path directory = Files.createDirectories(dir.resolve("reopened"));
        long written;
        try (SegmentedJournal<Payload> journal = journal(directory)) {
            written = fill(journal, SegmentMappings.of(journal), 3);
        }
        try (SegmentedJournal<Payload> journal = journal(directory)) {
            SegmentMappings mappings = SegmentMappings.of(journal);
            assertThat(mappings.keep()).isEqualTo(3);
            // Replay from the start through segments that stay unmapped: every entry, in order, nothing re-read.
            READS.set(0);
            assertThat(readAll(journal, 1)).isEqualTo(written);
            // Once per entry (the first entry of a mapped segment twice: Atomix reads it before mapping the reader).
            assertThat(READS.get()).isBetween(written, written + 3);

            // A follower truncating back into the first segment makes it the writer's segment again: it is mapped.
            long firstOfSecond = journal.segments().stream().skip(1).findFirst().orElseThrow().index();
            journal.writer().truncate(firstOfSecond - 10);
            mappings.keep();
            journal.writer().append(Payload.of(7));
            journal.writer().flush();
            assertThat(journal.writer().getLastIndex()).isEqualTo(firstOfSecond - 9);
            assertThat(readAll(journal, firstOfSecond - 12)).isEqualTo(4);
        }
    }

    private Work rollOverReadAcrossAndCompact(Path directory, boolean keep) {
        SegmentedJournal<Payload> journal = journal(directory);
        long entriesPerSegment;
        long rollOvers;
        long readAcross;
        long compaction;
        long thirdIndex;
        long firstIndex;
        long entriesKept;
        try {
            SegmentMappings mappings = keep ? SegmentMappings.of(journal) : null;
            READS.set(0);
            fill(journal, mappings, 3);
            rollOvers = READS.getAndSet(0);
            JournalSegment<Payload> first = journal.segments().iterator().next();
            JournalSegment<Payload> second = journal.segments().stream().skip(1).findFirst().orElseThrow();
            entriesPerSegment = first.lastIndex() - first.index() + 1;
            firstIndex = first.index();
            thirdIndex = second.lastIndex() + 1;

            // A reader steps from the end of the first segment through the second into the third (a leader sending
            // old entries to a follower), releasing the first two.
            SegmentedJournalReader<Payload> reader = journal.openReader(first.lastIndex());
            while (reader.getNextIndex() <= thirdIndex && reader.hasNext()) {
                reader.next();
            }
            reader.close();
            readAcross = READS.getAndSet(0);

            // Readers that hold the first two segments when compaction comes: one Atomix closed without releasing
            // its segment, and a lagging follower's.
            journal.openReader(first.index() + 10).close();
            SegmentedJournalReader<Payload> lagging = journal.openReader(second.index() + 10);
            READS.set(0);
            journal.compact(thirdIndex);
            compaction = READS.getAndSet(0);
            assertThat(journal.segments()).hasSize(1);
            assertThat(lagging.getNextIndex()).isEqualTo(thirdIndex);
            assertThat(lagging.hasNext()).isTrue();
            lagging.close();
            entriesKept = journal.writer().getLastIndex() - thirdIndex + 1;
        }
        finally {
            journal.close();
        }
        try (SegmentedJournal<Payload> reopened = journal(directory)) {
            // Atomix positions a new reader by reading its segment from the start.
            long readByReader = thirdIndex + 1 - firstIndex;
            return new Work(entriesPerSegment, rollOvers, readAcross, readByReader, compaction, entriesKept,
                    readAll(reopened, thirdIndex));
        }
    }

    /** Deserializations counted in each step; {@code readByReader}: the entries the crossing reader reads itself. */
    record Work(long entriesPerSegment, long rollOvers, long readAcross, long readByReader, long compaction,
            long entriesKept, long entriesAfterRestart) {
    }

    /** Appends 100-byte entries until the journal has {@code segments} segments; keeps them mapped as the engine does. */
    private static long fill(SegmentedJournal<Payload> journal, SegmentMappings mappings, int segments) {
        SegmentedJournalWriter<Payload> writer = journal.writer();
        if (mappings != null) {
            // As the engine does once the log is open, before the server starts.
            mappings.keep();
        }
        int known = journal.segments().size();
        long written = 0;
        while (journal.segments().size() < segments) {
            writer.append(Payload.of(written++));
            if (mappings != null && journal.segments().size() != known) {
                // The engine runs this every heartbeat interval; a new segment is mapped by the writer meanwhile.
                known = journal.segments().size();
                mappings.keep();
            }
        }
        writer.flush();
        return written;
    }

    private static long readAll(SegmentedJournal<Payload> journal, long from) {
        long count = 0;
        try (SegmentedJournalReader<Payload> reader = journal.openReader(from)) {
            while (reader.hasNext()) {
                Indexed<Payload> entry = reader.next();
                assertThat(entry.entry().bytes()).hasSize(100);
                count++;
            }
        }
        return count;
    }

    private static SegmentedJournal<Payload> journal(Path directory) {
        Namespace namespace = Namespace.builder()
            .register(Namespaces.BASIC)
            .register(new CountingSerializer(), Payload.class)
            .build();
        return SegmentedJournal.<Payload>builder()
            .withName("raft")
            .withDirectory(directory.toFile())
            .withStorageLevel(StorageLevel.MAPPED)
            .withNamespace(namespace)
            .withMaxSegmentSize(SEGMENT_SIZE)
            .withMaxEntrySize(MAX_ENTRY_SIZE)
            .build();
    }

    record Payload(byte[] bytes) {
        static Payload of(long seed) {
            byte[] bytes = new byte[100];
            bytes[0] = (byte) seed;
            return new Payload(bytes);
        }
    }

    static final class CountingSerializer extends Serializer<Payload> {

        @Override
        public void write(Kryo kryo, Output output, Payload payload) {
            output.writeInt(payload.bytes().length);
            output.writeBytes(payload.bytes());
        }

        @Override
        public Payload read(Kryo kryo, Input input, Class<Payload> type) {
            READS.incrementAndGet();
            return new Payload(input.readBytes(input.readInt()));
        }
    }
}
