package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.atomic.AtomicBoolean;

import io.atomix.storage.journal.ChannelWrittenSegmentWriter;
import io.atomix.storage.journal.ChannelWrittenSegments;
import io.atomix.storage.journal.EntryFrames;
import io.atomix.storage.journal.JournalSegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.JvmOptions;

/**
 * Gives each mapped segment of one journal a {@link ChannelWrittenSegmentWriter}: entries of at least
 * {@link #thresholdBytes} framed bytes are written to the file with {@code pwrite}, smaller ones stored into the
 * mapping as Atomix does. The threshold is the system property {@value JvmOptions#LOG_WRITE_THRESHOLD_PROPERTY} (bytes; a
 * negative value keeps Atomix's writer), for measurements (docs/benchmarks.md, "The log written with pwrite"). Used on the thread
 * that writes the journal, by {@link SegmentMappings}' passes.
 */
final class SegmentWrites {

    private static final Logger logger = LoggerFactory.getLogger(SegmentWrites.class);

    private static final AtomicBoolean warned = new AtomicBoolean();

    private final int thresholdBytes;

    private final EntryFrames frames = new EntryFrames();

    private boolean failed;

    SegmentWrites(int thresholdBytes) {
        this.thresholdBytes = thresholdBytes;
    }

    /** With the threshold of {@link JvmOptions#LOG_WRITE_THRESHOLD_PROPERTY} (checked at start by {@link JvmOptions}). */
    static SegmentWrites fromSystemProperty() {
        return new SegmentWrites(JvmOptions.logWriteThreshold());
    }

    int thresholdBytes() {
        return thresholdBytes;
    }

    /** Installs the writer on {@code segment} if it is mapped and has Atomix's; true if it did. */
    boolean install(JournalSegment<?> segment) {
        if (thresholdBytes < 0 || failed) {
            return false;
        }
        try {
            return ChannelWrittenSegments.install(segment, frames, thresholdBytes);
        }
        catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
            failed = true;
            if (warned.compareAndSet(false, true)) {
                logger.warn("Log entries are written through the segment's mapping as Atomix does ({}): the writer "
                        + "that uses pwrite could not be installed", ex.toString());
            }
            return false;
        }
    }
}
