package io.github.raftspringboot.engine.atomix;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import io.atomix.storage.StorageLevel;
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
 * The storage stall: Atomix re-reads a whole segment when no reader holds it mapped any more, and without padding
 * that re-read refills its buffer after every entry in the last maximum entry size of the file (quadratic). Measured
 * on Atomix's own journal: a full segment is mapped by a reader and released again (what a follower's append does
 * when its previous entry is in the previous segment), once on an unpadded file and once on a padded one. The cost is
 * the CPU time of the thread that releases the segment (the re-read runs on it), not the wall-clock time: on a loaded
 * machine the wall clock also counts the time other processes had the cores, and the ratio fell under 4 (7.9 s vs
 * 2.0 s, with 6.3 on a quiet machine).
 */
class SegmentPaddingTest {

    private static final Logger logger = LoggerFactory.getLogger(SegmentPaddingTest.class);

    private static final int SEGMENT_SIZE = 4 * 1024 * 1024;

    private static final int MAX_ENTRY_SIZE = 1024 * 1024;

    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    @Test
    void releasingAFullPaddedSegmentRereadsItInOnePass() throws Exception {
        // The fastest of a few rounds each, in turn: the first round of a fresh JVM runs the journal's code
        // interpreted, and a verify saw it take 216 ms padded against 545 ms unpadded (6 x once warm).
        long unpadded = Long.MAX_VALUE;
        long padded = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            unpadded = Math.min(unpadded,
                    releaseFullSegmentNanos(Files.createDirectories(dir.resolve("unpadded-" + round)), false));
            padded = Math.min(padded,
                    releaseFullSegmentNanos(Files.createDirectories(dir.resolve("padded-" + round)), true));
        }
        logger.info("Segment release, CPU time (fastest of {}): unpadded {} ms, padded {} ms", ROUNDS,
                String.format("%.1f", unpadded / 1e6), String.format("%.1f", padded / 1e6));
        assertThat(padded * 4).as("padded %d ns vs unpadded %d ns", padded, unpadded).isLessThan(unpadded);
    }

    private static long releaseFullSegmentNanos(Path directory, boolean pad) {
        Namespace namespace = Namespace.builder().register(Namespaces.BASIC).build();
        try (SegmentedJournal<byte[]> journal = SegmentedJournal.<byte[]>builder()
            .withName("raft")
            .withDirectory(directory.toFile())
            .withStorageLevel(StorageLevel.MAPPED)
            .withNamespace(namespace)
            .withMaxSegmentSize(SEGMENT_SIZE)
            .withMaxEntrySize(MAX_ENTRY_SIZE)
            .build()) {
            if (pad) {
                SegmentPadding.padAll(directory, "raft", SEGMENT_SIZE, MAX_ENTRY_SIZE);
            }
            SegmentedJournalWriter<byte[]> writer = journal.writer();
            byte[] entry = new byte[100];
            while (journal.segments().size() < 2) {
                writer.append(entry);
            }
            long lastOfFirst = journal.segments().stream().mapToLong(segment -> segment.index()).max().orElseThrow() - 1;
            long start = cpuNanos();
            // Maps the first segment again, then steps into the second, which releases (unmaps) the first.
            SegmentedJournalReader<byte[]> reader = journal.openReader(lastOfFirst);
            while (reader.getNextIndex() <= lastOfFirst + 1 && reader.hasNext()) {
                reader.next();
            }
            reader.close();
            return cpuNanos() - start;
        }
    }

    /** The CPU time of this thread (user and system), or the wall clock where the JVM cannot measure it. */
    private static long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
