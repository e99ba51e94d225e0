package io.github.raftspringboot.engine.kv;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The primitives of the binary snapshot format ({@link BinaryKeyValueSnapshot}), buffered: a snapshot goes to the
 * stream below in 64 KB writes (the router makes a chunk of each write), not one per field.
 */
final class SnapshotOutput {

    private final OutputStream out;

    private final byte[] buffer = new byte[64 * 1024];

    private int position;

    SnapshotOutput(OutputStream out) {
        this.out = out;
    }

    void writeByte(int value) throws IOException {
        if (position == buffer.length) {
            drain();
        }
        buffer[position++] = (byte) value;
    }

    /** An unsigned LEB128 varint of the long's 64 bits: 1 byte below 128, 3 bytes below 2^21, 10 for a negative. */
    void writeVarLong(long value) throws IOException {
        if (buffer.length - position < 10) {
            drain();
        }
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            buffer[position++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        buffer[position++] = (byte) rest;
    }

    /** A varint length and the bytes. */
    void writeBytes(byte[] bytes) throws IOException {
        writeVarLong(bytes.length);
        writeRaw(bytes);
    }

    /**
     * Text as a varint {@code length << 1 | utf16} and its bytes: UTF-8, or the chars as UTF-16 (big-endian) when
     * the text holds a surrogate without its pair, which UTF-8 cannot carry (the JDK would write '?'); JSON strings
     * can hold one ({@code "\\ud800"}), and the store keeps text exactly as it came. Encoded straight into the buffer:
     * a byte array per key and value was a third of the allocations of a snapshot, and slower than JSON.
     */
    void writeText(String text) throws IOException {
        long utf8 = utf8Length(text);
        if (utf8 < 0) {
            byte[] utf16 = new byte[text.length() * 2];
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                utf16[2 * i] = (byte) (c >>> 8);
                utf16[2 * i + 1] = (byte) c;
            }
            writeVarLong(((long) utf16.length << 1) | 1);
            writeRaw(utf16);
            return;
        }
        writeVarLong(utf8 << 1);
        if (utf8 > buffer.length) {
            // No unpaired surrogate (checked above), so the JDK's encoding is exact.
            writeRaw(text.getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (buffer.length - position < utf8) {
            drain();
        }
        position = encodeUtf8(text, buffer, position);
    }

    /** The text's length in UTF-8, or -1 when it holds an unpaired surrogate. */
    static long utf8Length(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length++;
            }
            else if (c < 0x800) {
                length += 2;
            }
            else if (!Character.isSurrogate(c)) {
                length += 3;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            }
            else {
                return -1;
            }
        }
        return length;
    }

    /** Encodes text without unpaired surrogates ({@link #utf8Length} is not -1) at {@code at}; the end position. */
    private static int encodeUtf8(String text, byte[] into, int at) {
        int p = at;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                into[p++] = (byte) c;
            }
            else if (c < 0x800) {
                into[p++] = (byte) (0xC0 | (c >> 6));
                into[p++] = (byte) (0x80 | (c & 0x3F));
            }
            else if (!Character.isSurrogate(c)) {
                into[p++] = (byte) (0xE0 | (c >> 12));
                into[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                into[p++] = (byte) (0x80 | (c & 0x3F));
            }
            else {
                int codePoint = Character.toCodePoint(c, text.charAt(++i));
                into[p++] = (byte) (0xF0 | (codePoint >> 18));
                into[p++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                into[p++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                into[p++] = (byte) (0x80 | (codePoint & 0x3F));
            }
        }
        return p;
    }

    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void writeRaw(byte[] bytes) throws IOException {
        if (bytes.length > buffer.length - position) {
            drain();
            if (bytes.length > buffer.length) {
                out.write(bytes);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    private void drain() throws IOException {
        if (position > 0) {
            out.write(buffer, 0, position);
            position = 0;
        }
    }
}
