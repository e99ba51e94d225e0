package io.github.raftspringboot.engine;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a stream of unknown length as length-prefixed chunks ({@code int n > 0, n bytes}, ...) ended by
 * {@code int 0}, so that a snapshot can be written straight into a larger stream without first being held in memory
 * to learn its length. {@link #close} writes the end marker and leaves the underlying stream open; closing twice
 * is harmless (state machines often close the stream they are given).
 */
public final class ChunkedOutputStream extends OutputStream {

    private static final int CHUNK = 64 * 1024;

    private final DataOutputStream out;

    private final byte[] buffer = new byte[CHUNK];

    private int buffered;

    private boolean closed;

    public ChunkedOutputStream(OutputStream out) {
        this.out = new DataOutputStream(out);
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (buffered == buffer.length) {
            writeChunk();
        }
        buffer[buffered++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        while (length > 0) {
            if (buffered == buffer.length) {
                writeChunk();
            }
            int piece = Math.min(length, buffer.length - buffered);
            System.arraycopy(bytes, offset, buffer, buffered, piece);
            buffered += piece;
            offset += piece;
            length -= piece;
        }
    }

    @Override
    public void flush() throws IOException {
        if (!closed) {
            writeChunk();
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        writeChunk();
        out.writeInt(0);
        out.flush();
        closed = true;
    }

    private void writeChunk() throws IOException {
        if (buffered > 0) {
            out.writeInt(buffered);
            out.write(buffer, 0, buffered);
            buffered = 0;
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("The chunked stream is closed");
        }
    }
}
