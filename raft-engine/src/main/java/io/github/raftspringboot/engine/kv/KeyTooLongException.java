package io.github.raftspringboot.engine.kv;

/**
 * A key over {@code raft.limits.max-key-size}, refused before it reaches the log. Its own type so that a caller that
 * builds keys (the locks' prefix and name) can say which part of its input made the key too long.
 */
public final class KeyTooLongException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    KeyTooLongException(int size, int maxKeyBytes) {
        super("The key is " + size + " bytes long; the limit is " + maxKeyBytes + " bytes (raft.limits.max-key-size)");
    }
}
