package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.atomix.storage.StorageException;
import io.atomix.storage.StorageLevel;
import io.atomix.storage.journal.ChannelWrittenSegmentWriter;
import io.atomix.storage.journal.ChannelWrittenSegments;
import io.atomix.storage.journal.Indexed;
import io.atomix.storage.journal.JournalSegment;
import io.atomix.storage.journal.SegmentedJournal;
import io.atomix.storage.journal.SegmentedJournalReader;
import io.atomix.storage.journal.SegmentedJournalWriter;
import io.atomix.utils.serializer.Namespace;
import io.atomix.utils.serializer.Namespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The log's entries of at least {@link SegmentWrites#thresholdBytes} written with {@code pwrite} by
 * {@link ChannelWrittenSegmentWriter}: the same entries as Atomix's writer leaves, read by Atomix's readers at once
 * and after a restart, through segment roll-overs and truncations; and the large ones never stored into the mapping.
 */
class SegmentWritesTest {

    private static final int SEGMENT_SIZE = 1024 * 1024;

    private static final int MAX_ENTRY_SIZE = 256 * 1024;

    private static final int LARGE = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void largeEntriesReachTheFileWithoutBeingStoredIntoTheMapping() throws Exception {
        assumeThat(Path.of("/proc/self/smaps")).as("Linux's per-mapping page counts").exists();
        Path channel = Files.createDirectories(dir.resolve("channel"));
        Path atomix = Files.createDirectories(dir.resolve("atomix"));
        long pagesWithPwrite = residentKilobytesAfterLargeWrites(channel, new SegmentWrites(4096));
        long pagesWithStores = residentKilobytesAfterLargeWrites(atomix, new SegmentWrites(-1));
        // 12 entries of 64 KB: Atomix's stores fault in every page they write; pwrite maps none of them (the 64 KB
        // around the segment's header are mapped, read-only, when Atomix reads it: the kernel's fault-around).
        assertThat(pagesWithStores).as("KB of the segment's mapping in memory, Atomix's writer")
            .isGreaterThanOrEqualTo(12 * 64);
        assertThat(pagesWithPwrite).as("KB of the segment's mapping in memory, entries written with pwrite")
            .isLessThanOrEqualTo(128);
    }

    private long residentKilobytesAfterLargeWrites(Path directory, SegmentWrites writes) throws IOException {
        try (SegmentedJournal<Payload> journal = journal(directory)) {
            SegmentedJournalWriter<Payload> writer = journal.writer();
            JournalSegment<Payload> segment = last(journal);
            writes.install(segment);
            for (int i = 1; i <= 12; i++) {
                writer.append(Payload.of(i, LARGE));
            }
            writer.flush();
            long resident = residentKilobytes(segment.file().file().toPath());
            assertThat(readAll(journal, 1)).hasSize(12);
            return resident;
        }
    }

    @Test
    void entriesOfEverySizeReadBackAtOnceAndAfterARestartAcrossRollOversAndATruncation() {
        List<Payload> expected = new ArrayList<>();
        try (SegmentedJournal<Payload> journal = journal(dir)) {
            // The engine's passes: segments kept mapped, each given the writer (the default threshold, 4 KB).
            SegmentMappings mappings = SegmentMappings.of(journal);
            SegmentedJournalWriter<Payload> writer = journal.writer();
            for (int i = 1; i <= 120; i++) {
                mappings.keep();
                Payload payload = Payload.of(i, sizeFor(i));
                Indexed<Payload> written = writer.append(payload);
                assertThat(written.index()).isEqualTo(i);
                expected.add(payload);
            }
            assertThat(journal.segments().size()).as("segments rolled over").isGreaterThanOrEqualTo(3);
            assertThat(journal.segments()).allSatisfy(segment ->
                    assertThat(ChannelWrittenSegments.isInstalled(segment)).isTrue());
            assertThat(readAll(journal, 1)).containsExactlyElementsOf(expected);

            // A follower's log replaced from index 91 on, inside a segment written with pwrite.
            writer.truncate(90);
            expected.subList(90, expected.size()).clear();
            for (int i = 91; i <= 100; i++) {
                mappings.keep();
                Payload payload = Payload.of(1000 + i, sizeFor(i + 1));
                assertThat(writer.append(payload).index()).isEqualTo(i);
                expected.add(payload);
            }
            writer.flush();
            assertThat(readAll(journal, 1)).containsExactlyElementsOf(expected);
            assertThat(readAll(journal, 95)).containsExactlyElementsOf(expected.subList(94, 100));
        }
        // Atomix's own writer and readers find the same entries in the files.
        try (SegmentedJournal<Payload> journal = journal(dir)) {
            assertThat(journal.writer().getLastIndex()).isEqualTo(100);
            assertThat(readAll(journal, 1)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void anEntryOverTheLimitIsRefusedAndTheNextOneTakesItsIndex() {
        try (SegmentedJournal<Payload> journal = journal(dir)) {
            SegmentedJournalWriter<Payload> writer = journal.writer();
            writer.append(Payload.of(1, 100));
            assertThat(new SegmentWrites(0).install(last(journal))).isTrue();
            assertThatThrownBy(() -> writer.append(Payload.of(2, MAX_ENTRY_SIZE + 1)))
                .isInstanceOf(StorageException.TooLarge.class);
            Payload next = Payload.of(3, LARGE);
            assertThat(writer.append(next).index()).isEqualTo(2);
            assertThat(readAll(journal, 1)).containsExactly(Payload.of(1, 100), next);
        }
    }

    @Test
    void aNegativeThresholdKeepsAtomixsWriter() {
        try (SegmentedJournal<Payload> journal = journal(dir)) {
            journal.writer().append(Payload.of(1, 100));
            assertThat(new SegmentWrites(-1).install(last(journal))).isFalse();
            assertThat(new SegmentWrites(4096).install(last(journal))).isTrue();
            assertThat(new SegmentWrites(4096).install(last(journal))).as("installed once").isFalse();
        }
    }

    private static int sizeFor(int i) {
        return switch (i % 4) {
            case 0 -> 40;
            case 1 -> 3000;
            case 2 -> 5000;
            default -> LARGE;
        };
    }

    static JournalSegment<Payload> last(SegmentedJournal<Payload> journal) {
        List<JournalSegment<Payload>> segments = new ArrayList<>(journal.segments());
        return segments.get(segments.size() - 1);
    }

    static List<Payload> readAll(SegmentedJournal<Payload> journal, long from) {
        List<Payload> entries = new ArrayList<>();
        try (SegmentedJournalReader<Payload> reader = journal.openReader(from)) {
            while (reader.hasNext()) {
                entries.add(reader.next().entry());
            }
        }
        return entries;
    }

    /** The KB of {@code file}'s mappings in this process's memory (Linux's smaps). */
    private static long residentKilobytes(Path file) throws IOException {
        long total = 0;
        boolean inMapping = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                inMapping = line.endsWith(file.toAbsolutePath().toString());
            }
            else if (inMapping && line.startsWith("Rss:")) {
                total += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return total;
    }

    static SegmentedJournal<Payload> journal(Path directory) {
        Namespace namespace = Namespace.builder()
            .register(Namespaces.BASIC)
            .register(new PayloadSerializer(), Payload.class)
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

        static Payload of(long seed, int size) {
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) (seed * 31 + i);
            }
            return new Payload(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Payload payload && Arrays.equals(bytes, payload.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Payload[" + bytes.length + " bytes, first " + (bytes.length > 0 ? bytes[0] : "-") + "]";
        }
    }

    static final class PayloadSerializer extends Serializer<Payload> {

        @Override
        public void write(Kryo kryo, Output output, Payload payload) {
            output.writeInt(payload.bytes().length);
            output.writeBytes(payload.bytes());
        }

        @Override
        public Payload read(Kryo kryo, Input input, Class<Payload> type) {
            return new Payload(input.readBytes(input.readInt()));
        }
    }
}
