package io.github.raftspringboot.engine.atomix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The payloads of the restore entries {@link StagedRestore} applies: the file commit's (id, size, SHA-256), and the
 * staged BEGIN, CHUNK and COMMIT entries that earlier versions wrote (still applied from their logs). Each starts
 * with the restore's id.
 */
final class RestoreEntries {

    private RestoreEntries() {
    }

    static byte[] beginEntry(String restoreId, byte[] state) {
        return beginEntry(restoreId, state.length, Sha256.of(state));
    }

    static byte[] beginEntry(String restoreId, long length, byte[] sha256) {
        return withId(restoreId, Long.BYTES + Integer.BYTES + sha256.length).putLong(length)
            .putInt(sha256.length)
            .put(sha256)
            .array();
    }

    static byte[] chunkEntry(String restoreId, int sequence, byte[] state, int offset, int length) {
        return withId(restoreId, Integer.BYTES + length).putInt(sequence).put(state, offset, length).array();
    }

    static byte[] commitEntry(String restoreId) {
        return withId(restoreId, 0).array();
    }

    static byte[] commitFileEntry(String restoreId, long length, byte[] sha256) {
        return beginEntry(restoreId, length, sha256);
    }

    private static ByteBuffer withId(String restoreId, int rest) {
        byte[] id = restoreId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Short.BYTES + id.length + rest).putShort((short) id.length).put(id);
    }

    static String readId(ByteBuffer buffer) {
        byte[] id = new byte[buffer.getShort()];
        buffer.get(id);
        return new String(id, StandardCharsets.UTF_8);
    }
}
