package io.github.raftspringboot.api;

/**
 * Receives the changes of a watch, one call at a time and in revision order, on a delivery thread of the store
 * (never the thread that applies the log, so a slow listener slows nobody but itself).
 */
@FunctionalInterface
public interface RaftWatchListener {

    /** One change. */
    void onEvent(WatchEvent event);

    /**
     * The watch ended with an error and delivers nothing more: a {@link RaftCompactedException} when the revisions
     * it still needed were dropped from the history (the listener fell too far behind, or the node installed a
     * snapshot that does not hold them). Resume with a new watch from {@code lastRevision + 1} once the cause is
     * dealt with. The default does nothing.
     */
    default void onError(RaftException error) {
    }
}
