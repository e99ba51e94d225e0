package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every log segment file at least {@code 2 * (maxEntrySize + 8)} bytes longer than the segment, as a sparse
 * (unallocated) tail of zeros.
 * <p>
 * Why: when no reader holds a memory-mapped segment any more, Atomix rebuilds its writer as a {@code FileChannel}
 * writer whose constructor re-reads the segment to find its end, refilling a buffer of twice the maximum entry size
 * whenever less than one maximum entry is left in it. Within the last maximum entry size of the file every read is
 * short (the file ends), so it refills after every entry: for a full 32 MB segment of 200-byte entries and 4 MB
 * entries that is tens of gigabytes of copying, during which the Raft thread answers nobody. Past a padded end every
 * refill is a whole buffer, and the zeros end the scan: the re-read costs one pass over the segment. The mapped
 * writer never writes beyond the segment size, so the padding is never allocated on disk.
 */
final class SegmentPadding {

    private static final Logger logger = LoggerFactory.getLogger(SegmentPadding.class);

    private SegmentPadding() {
    }

    static long paddedLength(int segmentSize, int maxEntrySize) {
        return segmentSize + 2L * (maxEntrySize + 2 * Integer.BYTES);
    }

    /** Pads every segment file of the journal {@code prefix} in {@code directory} that is shorter than needed. */
    static void padAll(Path directory, String prefix, int segmentSize, int maxEntrySize) {
        long length = paddedLength(segmentSize, maxEntrySize);
        Pattern segmentName = Pattern.compile(Pattern.quote(prefix) + "-\\d+\\.log");
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> segmentName.matcher(f.getFileName().toString()).matches()).toList()) {
                try {
                    pad(file, length);
                }
                catch (IOException ex) {
                    // E.g. a full disk (the disk space guard reports it); the next round tries again.
                    logger.debug("Could not pad the log segment {}: {}", file, ex.toString());
                }
            }
        }
        catch (IOException ex) {
            // Only the re-read of an unmapped segment gets slower; the log itself is unaffected.
            logger.warn("Could not pad the log segments in {}: {}", directory, ex.toString());
        }
    }

    private static void pad(Path file, long length) throws IOException {
        // Never CREATE: a segment deleted by compaction since it was listed must stay deleted.
        try (FileChannel segment = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (segment.size() < length) {
                // One zero byte at the end makes the file that long; the gap stays a hole.
                segment.write(ByteBuffer.allocate(1), length - 1);
            }
        }
        catch (NoSuchFileException ex) {
            logger.debug("Segment {} was deleted before it could be padded", file);
        }
    }
}
