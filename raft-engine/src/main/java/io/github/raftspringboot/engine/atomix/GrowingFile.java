package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A restore's backup as it is written on the node that takes the restore, read by the senders to the other members
 * while it grows: a sender waits for the bytes of its next piece, and for the file's SHA-256 before its last one, which
 * is known only once the upload has been read to its end and its checksum verified. A failed upload fails every sender
 * waiting on it, so no member completes the file.
 */
final class GrowingFile {

    private final Path path;

    private final long size;

    private long written;

    private byte[] sha256;

    private Throwable failure;

    GrowingFile(Path path, long size) {
        this.path = path;
        this.size = size;
    }

    /** A file written and verified already (a member asked for a file this node holds). */
    static GrowingFile complete(Path path, long size, byte[] sha256) {
        GrowingFile file = new GrowingFile(path, size);
        file.written = size;
        file.sha256 = sha256.clone();
        return file;
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /** {@code count} more bytes are in the file. */
    synchronized void written(long count) {
        written += count;
        notifyAll();
    }

    /** The whole file is written and verified: its SHA-256. */
    synchronized void seal(byte[] fileSha256) {
        this.sha256 = fileSha256.clone();
        notifyAll();
    }

    /** The upload failed: the file will never be complete. */
    synchronized void fail(Throwable cause) {
        this.failure = cause;
        notifyAll();
    }

    /** Blocks until the file holds its first {@code upTo} bytes. */
    synchronized void awaitWritten(long upTo) throws IOException, InterruptedException {
        while (written < upTo && failure == null) {
            wait();
        }
        throwIfFailed();
    }

    /** Blocks until the file is verified; its SHA-256. */
    synchronized byte[] awaitSealed() throws IOException, InterruptedException {
        while (sha256 == null && failure == null) {
            wait();
        }
        throwIfFailed();
        return sha256.clone();
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            throw new IOException("the restore's upload failed: " + failure.getMessage(), failure);
        }
    }
}
