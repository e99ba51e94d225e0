package io.github.raftspringboot.engine.kv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.AsyncRaftKeyValueStore;
import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnResult;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.engine.RaftEngine;

/** The store over a {@link RaftEngine}: writes through the log, reads linearizable or from the local copy. */
final class ReplicatedAsyncKeyValueStore implements AsyncRaftKeyValueStore {

    /** A batch stays small enough not to hold up the heartbeats behind it (docs/benchmarks.md, "Writes batched"). */
    static final int MAX_BATCH_BYTES = 256 * 1024;

    /** Room for the transaction around a batch's ops, so that a full batch is still within the entry size limit. */
    private static final int BATCH_OVERHEAD_BYTES = 1024;

    /** The JSON of a transaction op, without its key and value: {"type":"DELETE","key":,"value":} and spare. */
    private static final int OP_OVERHEAD_BYTES = 48;

    private final RaftEngine engine;

    private final KeyValueStateMachine state;

    private final JsonMapper mapper;

    private final StoreLimits limits;

    private final long requestTimeoutMillis;

    /**
     * Every write goes through it, in call order: plain writes (put, putAll, delete) alone or batched with others
     * under concurrent load, the others (compare-and-set, transactions) always alone.
     */
    private final WriteBatcher batcher;

    private final int maxBatchBytes;

    /** The highest index written through this node: LOCAL reads wait for it, so they see this node's writes. */
    private final AtomicLong lastWriteIndex = new AtomicLong();

    ReplicatedAsyncKeyValueStore(RaftEngine engine, KeyValueStateMachine state, JsonMapper mapper, StoreLimits limits,
            long requestTimeoutMillis, int writesInFlight) {
        this.engine = engine;
        this.state = state;
        this.mapper = mapper;
        this.limits = limits;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.maxBatchBytes = Math.min(MAX_BATCH_BYTES, limits.maxEntryBytes() - BATCH_OVERHEAD_BYTES);
        this.batcher = new WriteBatcher(this::submit, mapper, writesInFlight, maxBatchBytes, requestTimeoutMillis);
    }

    JsonNode toJson(Object value) {
        if (value == null) {
            return null;
        }
        return (value instanceof JsonNode node) ? node : mapper.valueToTree(value);
    }

    @Override
    public CompletableFuture<Optional<JsonNode>> get(String key, ReadConsistency consistency) {
        return guard(() -> {
            limits.checkKey(key);
            return read(consistency, () -> Optional.ofNullable(state.get(key)));
        });
    }

    @Override
    public CompletableFuture<WriteResult> put(String key, Object value) {
        return guard(() -> {
            limits.checkKey(key);
            JsonNode json = toJson(value);
            int size = limits.checkValue(key, json, mapper);
            return write(new WriteBatcher.Write(() -> StoreCommands.put(mapper, key, json),
                    List.of(op("PUT", key).set("value", json)), bound(key, size)));
        });
    }

    @Override
    public CompletableFuture<WriteResult> putAll(Map<String, ?> entries) {
        return guard(() -> {
            if (entries == null || entries.isEmpty()) {
                throw new IllegalArgumentException("putAll needs at least one entry");
            }
            Map<String, JsonNode> values = new LinkedHashMap<>();
            List<ObjectNode> ops = new ArrayList<>(entries.size());
            int bound = 0;
            for (Map.Entry<String, ?> entry : entries.entrySet()) {
                String key = entry.getKey();
                limits.checkKey(key);
                JsonNode json = toJson(entry.getValue());
                bound += bound(key, limits.checkValue(key, json, mapper));
                values.put(key, json);
                ops.add(op("PUT", key).set("value", json));
            }
            if (bound > maxBatchBytes) {
                // Goes alone anyway: checked against the entry size limit now, before it joins the queue.
                byte[] command = StoreCommands.putAll(mapper, values);
                limits.checkCommand(command);
                return write(WriteBatcher.Write.alone(command));
            }
            return write(new WriteBatcher.Write(() -> StoreCommands.putAll(mapper, values), ops, bound));
        });
    }

    @Override
    public CompletableFuture<WriteResult> delete(String key) {
        return guard(() -> {
            limits.checkKey(key);
            return write(new WriteBatcher.Write(() -> StoreCommands.delete(mapper, key),
                    List.of(op("DELETE", key)), bound(key, 0)));
        });
    }

    @Override
    public CompletableFuture<WriteResult> compareAndSet(String key, Object expected, Object newValue) {
        return guard(() -> {
            limits.checkKey(key);
            JsonNode value = toJson(newValue);
            if (value != null) {
                limits.checkValue(key, value, mapper);
            }
            return write(alone(StoreCommands.compareAndSet(mapper, key, toJson(expected), value)));
        });
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, ReadConsistency consistency) {
        String safePrefix = (prefix != null) ? prefix : "";
        return guard(() -> read(consistency, () -> strings(state.keys(safePrefix))));
    }

    @Override
    public CompletableFuture<SortedMap<String, JsonNode>> entries(String prefix, ReadConsistency consistency) {
        String safePrefix = (prefix != null) ? prefix : "";
        return guard(() -> read(consistency, () -> sorted(state.entries(safePrefix))));
    }

    @Override
    public CompletableFuture<Long> size(ReadConsistency consistency) {
        return guard(() -> read(consistency, state::size));
    }

    @Override
    public CompletableFuture<Optional<KeyValueEntry>> getEntry(String key, ReadConsistency consistency) {
        return guard(() -> {
            limits.checkKey(key);
            return read(consistency, () -> Optional.ofNullable(state.record(key)).map(record -> record.toEntry(key)));
        });
    }

    @Override
    public CompletableFuture<TxnResult> txn(Txn txn) {
        return guard(() -> {
            byte[] command = StoreCommands.bytes(mapper, TxnCommands.encode(txn, limits, mapper, this::toJson));
            return send(alone(command)).thenApply(reply -> TxnCommands.decodeResult(checked(reply), reply.index()));
        });
    }

    private static ObjectNode op(String type, String key) {
        return StoreCommands.NODES.objectNode().put("type", type).put("key", key);
    }

    /** An upper bound of an op's JSON: a key char takes at most 6 bytes escaped ("\\u0001"). */
    private static int bound(String key, int valueBytes) {
        return OP_OVERHEAD_BYTES + 6 * key.length() + valueBytes;
    }

    /** A write that never joins a batch, checked against the entry size limit before it joins the queue. */
    private WriteBatcher.Write alone(byte[] command) {
        limits.checkCommand(command);
        return WriteBatcher.Write.alone(command);
    }

    private CompletableFuture<WriteResult> write(WriteBatcher.Write write) {
        return send(write).thenApply(reply -> new WriteResult(reply.index(), checked(reply).path("changed").asBoolean()));
    }

    /** The write through the batcher, a timeout reported as the engine reports its own. */
    private CompletableFuture<WriteBatcher.Reply> send(WriteBatcher.Write write) {
        return batcher.write(write).handle((reply, error) -> {
            if (error == null) {
                return reply;
            }
            Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                throw new RaftException(RaftException.Reason.TIMEOUT, "The write did not complete within "
                        + requestTimeoutMillis + " ms (raft.request-timeout); it may still be applied if it had been "
                        + "sent: read the key back to find out");
            }
            throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
        });
    }

    private static JsonNode checked(WriteBatcher.Reply reply) {
        if (reply.body().has("error")) {
            throw new RaftException(RaftException.Reason.INVALID_REQUEST, reply.body().get("error").asString());
        }
        return reply.body();
    }

    /** Submits one command of the batcher: every write of this store reaches the log here. */
    private CompletableFuture<WriteBatcher.Reply> submit(byte[] command) {
        limits.checkCommand(command);
        return engine.submit(command).thenApply(result -> {
            lastWriteIndex.accumulateAndGet(result.index(), Math::max);
            return new WriteBatcher.Reply(StoreCommands.parse(mapper, result.result()), result.index());
        });
    }

    /**
     * Every read is served from this node's copy of the state. LINEARIZABLE waits first for the leader's confirmed
     * commit index to be applied here (ReadIndex, no log entry, no trip through the client session); LOCAL waits only
     * for this node's own earlier writes.
     */
    private <T> CompletableFuture<T> read(ReadConsistency consistency, java.util.function.Supplier<T> local) {
        if (consistency == ReadConsistency.LOCAL) {
            return engine.awaitApplied(lastWriteIndex.get())
                .orTimeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
                .handle((ignored, error) -> {
                    if (error != null) {
                        throw new RaftException(RaftException.Reason.TIMEOUT, "A LOCAL read waited "
                                + requestTimeoutMillis + " ms for this node to apply its own earlier writes");
                    }
                    return local.get();
                });
        }
        return engine.linearizableReadBarrier().thenApply(ignored -> local.get());
    }

    private static <T> CompletableFuture<T> guard(java.util.function.Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        }
        catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> keys = new ArrayList<>(array.size());
        array.forEach(key -> keys.add(key.asString()));
        return keys;
    }

    private static SortedMap<String, JsonNode> sorted(JsonNode object) {
        SortedMap<String, JsonNode> result = new TreeMap<>();
        object.properties().forEach(entry -> result.put(entry.getKey(), entry.getValue()));
        return result;
    }
}
