package io.github.raftspringboot.engine;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads what {@link ChunkedOutputStream} wrote: the bytes of the chunks, then end of stream at the end marker.
 * {@link #close} skips to the end marker (a reader may stop early) and leaves the underlying stream open.
 * <p>
 * The bytes of a chunk are read from the underlying stream in pieces of up to {@link #BUFFER} bytes, whatever the
 * reader asks for, and never past the chunk: the underlying stream is left exactly after the end marker, for what
 * follows it. A snapshot's stream is Atomix's file reader, which seeks and reads the file on every call: a JSON parser
 * asking for 8 KB at a time, and each chunk header read a byte at a time, made tens of thousands of system calls per
 * 100 MB of state.
 */
public final class ChunkedInputStream extends InputStream {

    /** The most read from the underlying stream at once: a whole chunk of {@link ChunkedOutputStream}. */
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;

    private final long maxChunk;

    private final byte[] header = new byte[Integer.BYTES];

    private byte[] buffer;

    private int position;

    private int limit;

    /** The bytes of the current chunk not yet read into {@link #buffer}. */
    private int remaining;

    private boolean ended;

    /** @param maxChunk the largest chunk length accepted: a larger one means the stream is damaged */
    public ChunkedInputStream(InputStream in, long maxChunk) {
        this.in = in;
        this.maxChunk = maxChunk;
    }

    public ChunkedInputStream(InputStream in) {
        this(in, 16L << 20);
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int read = Math.min(length, limit - position);
        System.arraycopy(buffer, position, bytes, offset, read);
        position += read;
        return read;
    }

    @Override
    public int available() {
        return limit - position;
    }

    @Override
    public void close() throws IOException {
        position = limit;
        while (nextChunk()) {
            in.skipNBytes(remaining);
            remaining = 0;
        }
    }

    /** Whether there are buffered bytes to read, reading the next piece of the chunks when there are none. */
    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        if (!nextChunk()) {
            return false;
        }
        if (buffer == null) {
            buffer = new byte[BUFFER];
        }
        int piece = Math.min(remaining, buffer.length);
        readFully(buffer, piece);
        remaining -= piece;
        position = 0;
        limit = piece;
        return true;
    }

    /** Whether the current chunk has bytes left, reading chunk headers until one does or the end marker comes. */
    private boolean nextChunk() throws IOException {
        while (remaining == 0 && !ended) {
            readFully(header, Integer.BYTES);
            int length = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8)
                    | (header[3] & 0xff);
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

    private void readFully(byte[] target, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int read = in.read(target, done, length - done);
            if (read < 0) {
                throw new EOFException((target == header) ? "The chunked stream ends before its end marker"
                        : "The chunked stream ends inside a chunk");
            }
            done += read;
        }
    }
}
