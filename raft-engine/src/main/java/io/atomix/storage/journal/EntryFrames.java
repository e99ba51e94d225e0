package io.atomix.storage.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

import com.esotericsoftware.kryo.KryoException;
import io.atomix.storage.StorageException;
import io.atomix.utils.serializer.Namespace;

/**
 * Log entries framed in Atomix's format, ready to be written: a 32-bit big-endian length, a 32-bit CRC32 of the
 * entry's bytes, the bytes (Kryo, the journal's namespace). The frame is built in one scratch buffer per journal, used
 * on the thread that writes it and grown on demand up to the largest entry allowed; direct, so that {@code pwrite}
 * takes it without a copy ({@link ChannelWrittenSegmentWriter}).
 */
public final class EntryFrames {

    static final int HEADER_BYTES = Integer.BYTES + Integer.BYTES;

    private ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);

    /**
     * The entry with its length and checksum, in the scratch buffer from its position 0 to its limit, valid until the
     * next call. Throws {@link StorageException.TooLarge} for an entry over {@code maxEntrySize} bytes.
     */
    ByteBuffer frame(Namespace namespace, Object entry, int maxEntrySize) {
        while (true) {
            buffer.clear().position(HEADER_BYTES);
            try {
                namespace.serialize(entry, buffer);
                break;
            }
            catch (KryoException ex) {
                if (ex.getMessage() == null || !ex.getMessage().startsWith("Buffer overflow")) {
                    throw new StorageException(ex);
                }
                if (buffer.capacity() >= maxEntrySize + HEADER_BYTES) {
                    throw new StorageException.TooLarge("Entry size exceeds maximum allowed bytes (" + maxEntrySize
                            + ")");
                }
                buffer = ByteBuffer.allocateDirect((int) Math.min(maxEntrySize + HEADER_BYTES,
                        2L * buffer.capacity()));
            }
        }
        int length = buffer.position() - HEADER_BYTES;
        if (length > maxEntrySize) {
            throw new StorageException.TooLarge("Entry size " + length + " exceeds maximum allowed bytes ("
                    + maxEntrySize + ")");
        }
        CRC32 crc32 = new CRC32();
        crc32.update(buffer.slice(HEADER_BYTES, length));
        // Kryo's variable-length writers switch the buffer's byte order; Atomix's header is big-endian.
        buffer.order(ByteOrder.BIG_ENDIAN).putInt(0, length).putInt(Integer.BYTES, (int) crc32.getValue());
        return buffer.limit(HEADER_BYTES + length).position(0);
    }
}
