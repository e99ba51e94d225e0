package io.github.raftspringboot.engine.atomix;

import java.nio.ByteBuffer;

import io.atomix.storage.buffer.Bytes;
import io.atomix.storage.buffer.HeapBuffer;
import io.atomix.storage.buffer.HeapBytes;

/**
 * The heap buffer a follower collects each received snapshot chunk in ({@link ReceivedSnapshot}), its array kept from
 * one chunk to the next.
 * <p>
 * Atomix's heap bytes copy a {@code byte[]} one byte at a time ({@code ByteBufferBytes.write}: an indexed
 * {@code put} per byte), and a fresh buffer for each chunk started at 64 KB and grew twice for the leader's 256 KB
 * chunks. In a follower receiving the 345 MB snapshot of 1 M keys, that loop was two thirds of its Raft thread's CPU
 * and the new arrays most of the rest. Here a write is one bulk copy into an array that, once grown, stays that size.
 */
final class ChunkBuffer extends HeapBuffer {

    private ChunkBuffer(BulkBytes bytes) {
        super(bytes, 0, bytes.size(), Integer.MAX_VALUE - 8);
    }

    /** The array that every buffer of {@link #over} writes to; it grows when a chunk does not fit. */
    static final class BulkBytes extends HeapBytes {

        BulkBytes(int capacity) {
            super(ByteBuffer.allocate(capacity));
        }

        @Override
        public Bytes write(int offset, byte[] src, int srcOffset, int length) {
            buffer.put(offset, src, srcOffset, length);
            return this;
        }

        /** Kept for the next chunk: a buffer's close closes its bytes. */
        @Override
        public void close() {
        }
    }

    /** A new empty buffer over {@code bytes}, for one chunk. */
    static ChunkBuffer over(BulkBytes bytes) {
        return new ChunkBuffer(bytes);
    }
}
