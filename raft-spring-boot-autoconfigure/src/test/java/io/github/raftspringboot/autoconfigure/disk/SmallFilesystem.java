package io.github.raftspringboot.autoconfigure.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few megabytes mounted for one test: a disk that really fills up, without filling the machine's. Needs
 * root (or CAP_SYS_ADMIN) on Linux; {@link #mount} says why when it cannot.
 */
final class SmallFilesystem implements AutoCloseable {

    private final Path mountPoint;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code megabytes} at {@code mountPoint}, or returns the reason it could not. */
    static Object mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            return "tmpfs mounts need Linux (this is " + System.getProperty("os.name") + ")";
        }
        Files.createDirectories(mountPoint);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs",
                mountPoint.toString()).redirectErrorStream(true).start();
        String message = new String(mount.getInputStream().readAllBytes()).trim();
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0) {
            return "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): " + message;
        }
        return new SmallFilesystem(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    /** Fills the file system with a file, leaving about {@code freeBytes} free. */
    void fillLeaving(long freeBytes) throws IOException {
        long usable = Files.getFileStore(mountPoint).getUsableSpace();
        try (RandomAccessFile filler = new RandomAccessFile(mountPoint.resolve("filler").toFile(), "rw")) {
            byte[] block = new byte[64 * 1024];
            for (long written = 0; written + block.length <= usable - freeBytes; written += block.length) {
                filler.write(block);
            }
        }
    }

    /** Frees the space the filler took. */
    void free() throws IOException {
        Files.deleteIfExists(mountPoint.resolve("filler"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Lazy: a node that failed may still hold a mapping of a file on it.
        new ProcessBuilder("umount", "-l", mountPoint.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
}
