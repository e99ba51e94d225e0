package io.github.raftspringboot.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

import tools.jackson.databind.JsonNode;

/**
 * A strongly consistent key-value store replicated by Raft to every member of the cluster.
 * <p>
 * Keys are non-empty strings; values are JSON: strings, numbers, booleans, arrays or objects, never
 * {@code null} (refused on every write, so a missing key, which reads as {@link Optional#empty()}, is never
 * confused with a value). Numbers are kept exactly as written (decimals as {@link java.math.BigDecimal});
 * {@code NaN} and infinities are refused. Writes may be called on any node: a follower
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

    /** {@code key} with its value and revisions, read with {@link ReadConsistency#LINEARIZABLE}. */
    Optional<KeyValueEntry> getEntry(String key);

    /** {@code key} with its value and revisions, read with the given consistency. */
    Optional<KeyValueEntry> getEntry(String key, ReadConsistency consistency);

    /**
     * Runs a transaction atomically, in one log entry: the compares and the operations of the branch that ran see
     * no other write in between. The transaction is checked before it is proposed: bad keys, values or compares
     * throw {@link IllegalArgumentException} and nothing is written.
     */
    TxnResult txn(Txn txn);

    /**
     * Watches the keys that start with {@code prefix} ({@code ""} for all): {@code listener} gets every change with
     * a revision of at least {@code fromRevision} (0: from the next change on), exactly once and in revision order,
     * from this node's own copy of the log, so a watch on a follower works like one on the leader. To resume after
     * a disconnect or a restart, watch again from the last revision received plus one.
     *
     * @throws RaftCompactedException if {@code fromRevision} is older than the change history this node keeps
     */
    RaftWatch watch(String prefix, long fromRevision, RaftWatchListener listener);

    /** Watches the one key {@code key}, as {@link #watch} does a prefix. */
    RaftWatch watchKey(String key, long fromRevision, RaftWatchListener listener);

    /** The same store with {@code CompletableFuture} results that never block the caller. */
    AsyncRaftKeyValueStore async();
}
