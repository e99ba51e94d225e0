package io.github.raftspringboot.engine;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads what {@link ChunkedOutputStream} wrote: the bytes of the chunks, then end of stream at the end marker.
 * {@link #close} skips to the end marker (a reader may stop early) and leaves the underlying stream open.
 */
public final class ChunkedInputStream extends InputStream {

    private final DataInputStream in;

    private final long maxChunk;

    private int remaining;

    private boolean ended;

    /** @param maxChunk the largest chunk length accepted: a larger one means the stream is damaged */
    public ChunkedInputStream(InputStream in, long maxChunk) {
        this.in = new DataInputStream(in);
        this.maxChunk = maxChunk;
    }

    public ChunkedInputStream(InputStream in) {
        this(in, 16L << 20);
    }

    @Override
    public int read() throws IOException {
        if (!nextBytes()) {
            return -1;
        }
        remaining--;
        return in.readUnsignedByte();
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!nextBytes()) {
            return -1;
        }
        int read = in.read(bytes, offset, Math.min(length, remaining));
        if (read < 0) {
            throw new EOFException("The chunked stream ends inside a chunk");
        }
        remaining -= read;
        return read;
    }

    @Override
    public void close() throws IOException {
        while (nextBytes()) {
            in.skipNBytes(remaining);
            remaining = 0;
        }
    }

    private boolean nextBytes() throws IOException {
        while (remaining == 0 && !ended) {
            int length = in.readInt();
            if (length < 0 || length > maxChunk) {
                throw new IOException("The chunked stream is damaged: a chunk of " + length + " bytes");
            }
            if (length == 0) {
                ended = true;
            }
            remaining = length;
        }
        return remaining > 0;
    }
}
