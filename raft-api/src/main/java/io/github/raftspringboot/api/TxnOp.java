package io.github.raftspringboot.api;

/** One operation of a {@link Txn} branch: operations run in order, so a get sees the puts before it. */
public sealed interface TxnOp {

    /** The key the operation acts on. */
    String key();

    /** Sets {@code key} to {@code value} (any JSON-writable object, never {@code null}). */
    static TxnOp put(String key, Object value) {
        return new Put(key, value);
    }

    /** Removes {@code key}. */
    static TxnOp delete(String key) {
        return new Delete(key);
    }

    /** Reads {@code key} (with its revisions) as of this point of the transaction. */
    static TxnOp get(String key) {
        return new Get(key);
    }

    record Put(String key, Object value) implements TxnOp {
    }

    record Delete(String key) implements TxnOp {
    }

    record Get(String key) implements TxnOp {
    }
}
