package io.github.raftspringboot.api;

/**
 * The outcome of an acknowledged write.
 *
 * @param index   the Raft log index at which the write was committed and applied
 * @param changed whether the write changed the store: {@code false} for a delete of a missing key or a
 *                compare-and-set whose expected value did not match
 */
public record WriteResult(long index, boolean changed) {
}
