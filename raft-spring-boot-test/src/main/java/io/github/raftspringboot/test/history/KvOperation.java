package io.github.raftspringboot.test.history;

import java.util.Objects;

/**
 * One operation a client asks of a key-value store, on a single key. Values are compared with {@link Object#equals},
 * so strings, longs or any value type with a proper {@code equals} work; {@code null} stands for "absent" (no value
 * under the key), which is why {@link Put} refuses it: a delete is spelled {@link Delete}.
 */
public sealed interface KvOperation permits KvOperation.Put, KvOperation.Get, KvOperation.Delete,
        KvOperation.CompareAndSet {

    /** The key the operation reads or writes; the checker verifies each key's history on its own. */
    String key();

    static Put put(String key, Object value) {
        return new Put(key, value);
    }

    static Get get(String key) {
        return new Get(key);
    }

    static Delete delete(String key) {
        return new Delete(key);
    }

    /**
     * A compare-and-set that writes {@code newValue} only if the key currently holds {@code expected}
     * ({@code null}: only if the key is absent). Its result is a {@link Boolean}: whether it wrote.
     */
    static CompareAndSet compareAndSet(String key, Object expected, Object newValue) {
        return new CompareAndSet(key, expected, newValue);
    }

    /** Writes {@code value}; its result is ignored. */
    record Put(String key, Object value) implements KvOperation {
        public Put {
            requireKey(key);
            Objects.requireNonNull(value, () -> "put(" + key + ") needs a value; use delete to remove a key");
        }

        @Override
        public String toString() {
            return "put(" + Values.show(key) + ", " + Values.show(value) + ")";
        }
    }

    /** Reads the key; its result is the value read, or {@code null} if the key was absent. */
    record Get(String key) implements KvOperation {
        public Get {
            requireKey(key);
        }

        @Override
        public String toString() {
            return "get(" + Values.show(key) + ")";
        }
    }

    /** Removes the key; its result is ignored. */
    record Delete(String key) implements KvOperation {
        public Delete {
            requireKey(key);
        }

        @Override
        public String toString() {
            return "delete(" + Values.show(key) + ")";
        }
    }

    /** See {@link KvOperation#compareAndSet}; {@code expected} may be {@code null} (absent). */
    record CompareAndSet(String key, Object expected, Object newValue) implements KvOperation {
        public CompareAndSet {
            requireKey(key);
            Objects.requireNonNull(newValue,
                    () -> "compareAndSet(" + key + ") needs a new value; a conditional delete is not modelled");
        }

        @Override
        public String toString() {
            return "cas(" + Values.show(key) + ", " + Values.show(expected) + " -> " + Values.show(newValue) + ")";
        }
    }

    private static void requireKey(String key) {
        Objects.requireNonNull(key, "an operation needs a key");
    }
}
