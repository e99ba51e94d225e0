package io.github.raftspringboot.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

import tools.jackson.databind.JsonNode;

/**
 * A strongly consistent key-value store replicated by Raft to every member of the cluster.
 * <p>
 * Keys are non-empty strings; values are JSON: strings, numbers, booleans, arrays or objects.
 * A missing key reads as {@link Optional#empty()}. Writes may be called on any node: a follower
 * carries them to the leader. A write returns once the entry is committed by a majority and applied
 * (with {@code raft.storage=disk}, once it is on disk on a majority). Reads are
 * {@link ReadConsistency#LINEARIZABLE} unless a weaker consistency is asked for.
 * <p>
 * Every method blocks for at most {@code raft.request-timeout} and throws a {@link RaftException}
 * when the cluster cannot complete the call (no leader, timeout, node stopped). {@link #async()} gives
 * the same operations as {@code CompletableFuture}s.
 */
public interface RaftKeyValueStore {

    /** The value of {@code key}, read with {@link ReadConsistency#LINEARIZABLE}. */
    Optional<JsonNode> get(String key);

    /** The value of {@code key}, read with the given consistency. */
    Optional<JsonNode> get(String key, ReadConsistency consistency);

    /** The value of {@code key} converted to {@code type} with the application's JSON mapper. */
    <T> Optional<T> get(String key, Class<T> type);

    /** Sets {@code key} to {@code value} (any object the JSON mapper can write, or a {@link JsonNode}). */
    WriteResult put(String key, Object value);

    /** Sets every entry of {@code entries} atomically, in one log entry. */
    WriteResult putAll(Map<String, ?> entries);

    /** Removes {@code key}; {@link WriteResult#changed()} tells whether it existed. */
    WriteResult delete(String key);

    /**
     * Sets {@code key} to {@code newValue} only if its current value equals {@code expected}.
     * {@code expected == null} means "only if absent"; {@code newValue == null} deletes the key.
     * {@link WriteResult#changed()} tells whether the swap happened.
     */
    WriteResult compareAndSet(String key, Object expected, Object newValue);

    /** The keys that start with {@code prefix} ({@code ""} for all), sorted, linearizable. */
    List<String> keys(String prefix);

    /** The keys that start with {@code prefix}, sorted, read with the given consistency. */
    List<String> keys(String prefix, ReadConsistency consistency);

    /** The entries whose keys start with {@code prefix}, sorted by key, read with the given consistency. */
    SortedMap<String, JsonNode> entries(String prefix, ReadConsistency consistency);

    /** The number of entries, linearizable. */
    long size();

    /** The number of entries, read with the given consistency. */
    long size(ReadConsistency consistency);

    /** The same store with {@code CompletableFuture} results that never block the caller. */
    AsyncRaftKeyValueStore async();
}
