package io.github.raftspringboot.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

/**
 * The non-blocking form of {@link RaftKeyValueStore}: the same operations and guarantees, each returning
 * a {@code CompletableFuture}. Invalid arguments fail the returned future with an
 * {@link IllegalArgumentException}; cluster failures with a {@link RaftException}. Futures complete on the
 * store's callback threads ({@code raft-callbacks-*}), or on the calling thread when the outcome is already known;
 * never on a Raft or network thread, so a dependent stage may block, even on another store call.
 */
public interface AsyncRaftKeyValueStore {

    CompletableFuture<Optional<JsonNode>> get(String key, ReadConsistency consistency);

    CompletableFuture<WriteResult> put(String key, Object value);

    CompletableFuture<WriteResult> putAll(Map<String, ?> entries);

    CompletableFuture<WriteResult> delete(String key);

    CompletableFuture<WriteResult> compareAndSet(String key, Object expected, Object newValue);

    CompletableFuture<List<String>> keys(String prefix, ReadConsistency consistency);

    CompletableFuture<SortedMap<String, JsonNode>> entries(String prefix, ReadConsistency consistency);

    CompletableFuture<Long> size(ReadConsistency consistency);

    CompletableFuture<Optional<KeyValueEntry>> getEntry(String key, ReadConsistency consistency);

    CompletableFuture<TxnResult> txn(Txn txn);
}
