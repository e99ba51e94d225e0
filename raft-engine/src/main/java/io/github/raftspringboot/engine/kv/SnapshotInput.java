package io.github.raftspringboot.engine.kv;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads {@link SnapshotOutput}'s primitives from a 64 KB buffer. A length is trusted only as far as the bytes that
 * follow it: a damaged one fails with "truncated" once the stream ends, instead of allocating what it claims.
 */
final class SnapshotInput {

    private final InputStream in;

    private final byte[] buffer = new byte[64 * 1024];

    private int position;

    private int limit;

    SnapshotInput(InputStream in) {
        this.in = in;
    }

    int readByte() throws IOException {
        if (position == limit && !fill()) {
            throw truncated();
        }
        return buffer[position++] & 0xFF;
    }

    long readVarLong() throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("The store snapshot has a number longer than 64 bits: it is damaged");
    }

    /** A length written as a varint, checked to fit an array. */
    int readLength() throws IOException {
        long length = readVarLong();
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IOException("The store snapshot has a length of " + Long.toUnsignedString(length)
                    + " bytes: it is damaged");
        }
        return (int) length;
    }

    byte[] readBytes() throws IOException {
        return readBytesOfLength(readLength());
    }

    /** {@link SnapshotOutput#writeText}'s text: UTF-8, or UTF-16 chars when it held an unpaired surrogate. */
    String readText() throws IOException {
        long header = readVarLong();
        boolean utf16 = (header & 1) != 0;
        long length = header >>> 1;
        if (!utf16 && length <= buffer.length) {
            int n = (int) length;
            if (limit - position < n) {
                compact();
                while (limit - position < n) {
                    if (!fillMore()) {
                        throw truncated();
                    }
                }
            }
            String text = new String(buffer, position, n, StandardCharsets.UTF_8);
            position += n;
            return text;
        }
        if (length > Integer.MAX_VALUE - 8 || (utf16 && (length & 1) != 0)) {
            throw new IOException("The store snapshot has a text of " + length + " bytes" + (utf16 ? " of UTF-16" : "")
                    + ": it is damaged");
        }
        byte[] bytes = readBytesOfLength((int) length);
        if (!utf16) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        char[] chars = new char[bytes.length / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF));
        }
        return new String(chars);
    }

    private byte[] readBytesOfLength(int length) throws IOException {
        byte[] bytes = new byte[Math.min(length, buffer.length)];
        int read = 0;
        while (read < length) {
            if (read == bytes.length) {
                // Grown as the bytes arrive: a damaged length cannot allocate more than the stream holds.
                bytes = Arrays.copyOf(bytes, (int) Math.min(length, 2L * bytes.length));
            }
            if (position == limit && !fill()) {
                throw truncated();
            }
            int n = Math.min(limit - position, bytes.length - read);
            System.arraycopy(buffer, position, bytes, read, n);
            position += n;
            read += n;
        }
        return bytes;
    }

    /** Refills an empty buffer; {@code false} at the end of the stream. */
    private boolean fill() throws IOException {
        position = 0;
        limit = 0;
        return fillMore();
    }

    /** Reads more after what the buffer holds; {@code false} at the end of the stream. */
    private boolean fillMore() throws IOException {
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /** Moves the unread bytes to the start of the buffer, to make room after them. */
    private void compact() {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
    }

    static EOFException truncated() {
        return new EOFException("The store snapshot ends before its last section: it is truncated");
    }
}
