package io.github.raftspringboot.autoconfigure.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Damages a stopped node's state files the way disks do: a log segment cut off in the middle of an entry (a write
 * torn by a crash), bytes flipped in entries or in a snapshot. Segments are read in Atomix's framing: a 64-byte
 * header, then {@code [int length][int CRC32][bytes]} per entry, ended by a zero length.
 */
final class StateFiles {

    private StateFiles() {
    }

    static Path lastSegment(Path stateDir) throws IOException {
        return files(stateDir, ".log").stream()
            .max(Comparator.comparingLong(StateFiles::number))
            .orElseThrow(() -> new AssertionError("no log segment in " + stateDir));
    }

    static List<Path> segments(Path stateDir) throws IOException {
        return files(stateDir, ".log").stream().sorted(Comparator.comparingLong(StateFiles::number)).toList();
    }

    static Path snapshot(Path stateDir) throws IOException {
        return files(stateDir, ".snapshot").stream()
            .max(Comparator.comparingLong(StateFiles::number))
            .orElseThrow(() -> new AssertionError("no snapshot in " + stateDir));
    }

    /** The offsets of the segment's entries, each with its length: {@code [offset, length]}. */
    static List<long[]> entries(Path segment) throws IOException {
        List<long[]> entries = new ArrayList<>();
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "r")) {
            long offset = 64;
            while (offset + 8 <= file.length()) {
                file.seek(offset);
                int length = file.readInt();
                if (length <= 0) {
                    break;
                }
                entries.add(new long[] { offset, length });
                offset += 8 + length;
            }
        }
        return entries;
    }

    /** Cuts the file off in the middle of its last entry's bytes, as a crash in the middle of a write can. */
    static void tearLastEntry(Path segment) throws IOException {
        List<long[]> entries = entries(segment);
        long[] last = entries.get(entries.size() - 1);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(last[0] + 8 + last[1] / 2);
        }
    }

    /** Flips one byte in the middle of the bytes of each of the segment's last {@code count} entries. */
    static void flipLastEntries(Path segment, int count) throws IOException {
        List<long[]> entries = entries(segment);
        for (long[] entry : entries.subList(entries.size() - count, entries.size())) {
            flip(segment, entry[0] + 8 + entry[1] / 2);
        }
    }

    /** Inverts the bits of the byte at {@code offset}. */
    static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int value = raf.read();
            raf.seek(offset);
            raf.write(~value & 0xFF);
        }
    }

    private static List<Path> files(Path stateDir, String extension) throws IOException {
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.filter(f -> f.getFileName().toString().matches("raft-\\d+" + Pattern.quote(extension)))
                .toList();
        }
    }

    private static long number(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(name.indexOf('-') + 1, name.lastIndexOf('.')));
    }
}
