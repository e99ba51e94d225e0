package io.github.raftspringboot.engine.atomix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Kryo's string serializer, except that an ASCII string in a {@link ByteBuffer} is read without writing to the buffer
 * (see {@link LogNamespace}). Kryo writes such a string as its bytes with the high bit of the last one set; null,
 * empty and other strings start with a byte whose high bit is set, and Kryo reads those without writing.
 */
final class ReadOnlyStringSerializer extends Serializer<String> {

    ReadOnlyStringSerializer() {
        setImmutable(true);
        setAcceptsNull(true);
    }

    @Override
    public void write(Kryo kryo, Output output, String value) {
        output.writeString(value);
    }

    @Override
    public String read(Kryo kryo, Input input, Class<String> type) {
        if (input instanceof ByteBufferInput bufferInput) {
            String ascii = readAscii(bufferInput);
            if (ascii != null) {
                return ascii;
            }
        }
        return input.readString();
    }

    /** The ASCII string at the input's position, or null when there is none or it runs past the buffered bytes. */
    private static String readAscii(ByteBufferInput input) {
        ByteBuffer buffer = input.getByteBuffer();
        int start = input.position();
        int limit = input.limit();
        if (start >= limit || (buffer.get(start) & 0x80) != 0) {
            return null;
        }
        int last = start;
        while ((buffer.get(last) & 0x80) == 0) {
            last++;
            if (last == limit) {
                // Kryo refills a stream's buffer here; its slow path copies the bytes and writes nothing.
                return null;
            }
        }
        byte[] bytes = new byte[last - start + 1];
        buffer.get(start, bytes);
        bytes[bytes.length - 1] &= 0x7F;
        input.setPosition(last + 1);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
