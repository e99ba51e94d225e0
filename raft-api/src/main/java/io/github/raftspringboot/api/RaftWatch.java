package io.github.raftspringboot.api;

/** A running watch: cancel it (or close it) to stop the deliveries. */
public interface RaftWatch extends AutoCloseable {

    /** Stops the watch; events not yet delivered are dropped. Idempotent. */
    void cancel();

    /** Whether the watch was cancelled or ended with an error. */
    boolean isCancelled();

    /** The same as {@link #cancel()}. */
    @Override
    default void close() {
        cancel();
    }
}
