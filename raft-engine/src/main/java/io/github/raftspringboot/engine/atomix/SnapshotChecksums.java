package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * A checksum file next to each completed snapshot ({@code raft-<index>.snapshot.crc32c}): Atomix's snapshot files
 * carry none, so a damaged snapshot would be installed, or sent to a lagging follower, without anyone noticing.
 */
final class SnapshotChecksums {

    static final String SUFFIX = ".crc32c";

    private SnapshotChecksums() {
    }

    static Path checksumFile(Path snapshot) {
        return snapshot.resolveSibling(snapshot.getFileName() + SUFFIX);
    }

    /** Writes the snapshot's checksum durably: a temporary file, fsynced, then renamed over the old one. */
    static void write(Path snapshot) throws IOException {
        String text = Long.toHexString(compute(snapshot)) + "\n";
        Path target = checksumFile(snapshot);
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException ex) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The checksum recorded for the snapshot, or {@code null} when it has none (written by an older version). */
    static Long recorded(Path snapshot) throws IOException {
        Path file = checksumFile(snapshot);
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseUnsignedLong(text, 16);
        }
        catch (NumberFormatException ex) {
            // A damaged checksum file cannot vouch for the snapshot: report a mismatch.
            return -1L;
        }
    }

    static long compute(Path snapshot) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] chunk = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(snapshot)) {
            int read;
            while ((read = in.read(chunk)) > 0) {
                crc.update(chunk, 0, read);
            }
        }
        return crc.getValue();
    }
}
