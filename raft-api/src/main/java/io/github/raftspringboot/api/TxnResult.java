package io.github.raftspringboot.api;

import java.util.List;

/**
 * What a {@link Txn} did.
 *
 * @param succeeded whether every compare held, so the success branch ran (otherwise the failure branch ran)
 * @param index     the Raft index of the transaction's log entry: the revision of every key it wrote
 * @param results   one result per operation of the branch that ran, in order
 */
public record TxnResult(boolean succeeded, long index, List<OpResult> results) {

    public TxnResult {
        results = List.copyOf(results);
    }

    /**
     * The outcome of one operation.
     *
     * @param type    PUT, DELETE or GET
     * @param key     the key
     * @param changed for a put: whether the value changed; for a delete: whether the key existed; false for a get
     * @param entry   for a get: the key as read, or {@code null} if missing; for a put: the key as written;
     *                {@code null} for a delete
     */
    public record OpResult(Type type, String key, boolean changed, KeyValueEntry entry) {
    }

    /** The kind of operation. */
    public enum Type {
        PUT,
        DELETE,
        GET
    }
}
