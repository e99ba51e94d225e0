package io.github.raftspringboot.engine.atomix;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Reads one log segment file the way Atomix's journal does at start-up, and says where its valid entries end and
 * why. Atomix frames each entry as {@code [int length][int CRC32 of the bytes][bytes]} after a 64-byte header, and
 * silently keeps only the entries before the first one whose length or checksum is wrong; this scan makes that
 * decision visible so that the engine can accept it (a damaged tail) or refuse to start (anything worse).
 *
 * @param file          the segment file
 * @param segmentId     the id in the segment's header (its file name is {@code raft-<id>.log})
 * @param firstIndex    the log index of the segment's first entry, from its header
 * @param entries       how many valid entries precede {@code endOffset}
 * @param endOffset     the offset just after the last valid entry
 * @param damage        what follows the valid entries
 * @param damagedLength for {@link Damage#ENTRY_TOO_LARGE}: the entry's size
 */
record LogSegmentScan(Path file, long segmentId, long firstIndex, long entries, long endOffset, Damage damage,
        int damagedLength) {

    /** Atomix's segment header: version, id, first index, sizes, timestamp, lock flag. */
    static final int HEADER_BYTES = 64;

    static final int SEGMENT_VERSION = 1;

    /** What follows the segment's valid entries. */
    enum Damage {
        /** Nothing: a zero length marks the end, or the file ends exactly after an entry. */
        NONE,
        /** The header is not one Atomix wrote: the whole segment is unreadable. */
        BAD_HEADER,
        /** An entry whose length or checksum is wrong, or that the file ends inside of. */
        BAD_ENTRY,
        /** A valid entry larger than the configured maximum entry size: the limit was lowered since it was written. */
        ENTRY_TOO_LARGE
    }

    /** The index of the last valid entry, or {@code firstIndex - 1} when there is none. */
    long lastIndex() {
        return firstIndex + entries - 1;
    }

    static LogSegmentScan of(Path file, int maxEntrySize) throws IOException {
        long size = Files.size(file);
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (size < HEADER_BYTES) {
                return new LogSegmentScan(file, -1, -1, 0, 0, Damage.BAD_HEADER, 0);
            }
            int version = in.readInt();
            long id = in.readLong();
            long firstIndex = in.readLong();
            in.skipNBytes(HEADER_BYTES - Integer.BYTES - 2 * Long.BYTES);
            if (version != SEGMENT_VERSION || id < 1 || firstIndex < 1) {
                return new LogSegmentScan(file, id, firstIndex, 0, 0, Damage.BAD_HEADER, 0);
            }
            return scanEntries(file, in, size, id, firstIndex, maxEntrySize);
        }
    }

    private static LogSegmentScan scanEntries(Path file, DataInputStream in, long size, long id, long firstIndex,
            int maxEntrySize) throws IOException {
        long offset = HEADER_BYTES;
        long entries = 0;
        byte[] chunk = new byte[1 << 16];
        CRC32 crc = new CRC32();
        while (true) {
            if (offset + 2 * Integer.BYTES > size) {
                // Atomix reads a missing length as the end: only bytes of a torn header can be left over.
                Damage rest = (offset < size && !zeros(in, size - offset)) ? Damage.BAD_ENTRY : Damage.NONE;
                return new LogSegmentScan(file, id, firstIndex, entries, offset, rest, 0);
            }
            int length = in.readInt();
            if (length == 0) {
                return new LogSegmentScan(file, id, firstIndex, entries, offset, Damage.NONE, 0);
            }
            long checksum = in.readInt() & 0xFFFFFFFFL;
            if (length < 0 || offset + 2 * Integer.BYTES + length > size) {
                return new LogSegmentScan(file, id, firstIndex, entries, offset, Damage.BAD_ENTRY, 0);
            }
            crc.reset();
            try {
                for (int done = 0; done < length;) {
                    int count = Math.min(chunk.length, length - done);
                    in.readFully(chunk, 0, count);
                    crc.update(chunk, 0, count);
                    done += count;
                }
            }
            catch (EOFException ex) {
                return new LogSegmentScan(file, id, firstIndex, entries, offset, Damage.BAD_ENTRY, 0);
            }
            if (crc.getValue() != checksum) {
                return new LogSegmentScan(file, id, firstIndex, entries, offset, Damage.BAD_ENTRY, 0);
            }
            if (length > maxEntrySize) {
                return new LogSegmentScan(file, id, firstIndex, entries, offset, Damage.ENTRY_TOO_LARGE, length);
            }
            entries++;
            offset += 2 * Integer.BYTES + length;
        }
    }

    private static boolean zeros(InputStream in, long count) throws IOException {
        for (long i = 0; i < count; i++) {
            int next = in.read();
            if (next > 0) {
                return false;
            }
        }
        return true;
    }
}
