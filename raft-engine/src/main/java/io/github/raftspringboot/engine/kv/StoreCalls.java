package io.github.raftspringboot.engine.kv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnResult;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RequestDeadlines;

/**
 * The store's calls over a {@link RaftEngine}: writes through the log, reads linearizable or from the local copy. Each
 * checks its arguments (throwing on bad ones) and returns the call on its way, for the blocking and the asynchronous
 * API to finish as each needs ({@link StoreCall}).
 */
final class StoreCalls {

    private final RaftEngine engine;

    private final KeyValueStateMachine state;

    private final JsonMapper mapper;

    private final StoreLimits limits;

    private final long requestTimeoutMillis;

    private final String localReadTimedOut;

    /** The highest index written through this node: LOCAL reads wait for it, so they see this node's writes. */
    private final AtomicLong lastWriteIndex = new AtomicLong();

    StoreCalls(RaftEngine engine, KeyValueStateMachine state, JsonMapper mapper, StoreLimits limits,
            long requestTimeoutMillis) {
        this.engine = engine;
        this.state = state;
        this.mapper = mapper;
        this.limits = limits;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.localReadTimedOut = "A LOCAL read waited " + requestTimeoutMillis
                + " ms for this node to apply its own earlier writes";
    }

    JsonNode toJson(Object value) {
        if (value == null) {
            return null;
        }
        return (value instanceof JsonNode node) ? node : mapper.valueToTree(value);
    }

    StoreCall<?, Optional<JsonNode>> get(String key, ReadConsistency consistency) {
        limits.checkKey(key);
        return read(consistency, () -> Optional.ofNullable(state.get(key)));
    }

    StoreCall<?, WriteResult> put(String key, Object value) {
        limits.checkKey(key);
        JsonNode json = toJson(value);
        limits.checkValue(key, json);
        byte[] command = StoreCommands.put(mapper, key, json);
        limits.checkValueSize(key, json, mapper, command.length);
        return write(command);
    }

    StoreCall<?, WriteResult> putAll(Map<String, ?> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new IllegalArgumentException("putAll needs at least one entry");
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        entries.forEach((key, value) -> {
            limits.checkKey(key);
            JsonNode json = toJson(value);
            limits.checkValue(key, json);
            values.put(key, json);
        });
        byte[] command = StoreCommands.putAll(mapper, values);
        values.forEach((key, json) -> limits.checkValueSize(key, json, mapper, command.length));
        return write(command);
    }

    StoreCall<?, WriteResult> delete(String key) {
        limits.checkKey(key);
        return write(StoreCommands.delete(mapper, key));
    }

    StoreCall<?, WriteResult> compareAndSet(String key, Object expected, Object newValue) {
        limits.checkKey(key);
        JsonNode value = toJson(newValue);
        if (value != null) {
            limits.checkValue(key, value);
        }
        byte[] command = StoreCommands.compareAndSet(mapper, key, toJson(expected), value);
        if (value != null) {
            limits.checkValueSize(key, value, mapper, command.length);
        }
        return write(command);
    }

    StoreCall<?, List<String>> keys(String prefix, ReadConsistency consistency) {
        String safePrefix = (prefix != null) ? prefix : "";
        return read(consistency, () -> strings(state.keys(safePrefix)));
    }

    StoreCall<?, SortedMap<String, JsonNode>> entries(String prefix, ReadConsistency consistency) {
        String safePrefix = (prefix != null) ? prefix : "";
        return read(consistency, () -> sorted(state.entries(safePrefix)));
    }

    StoreCall<?, Long> size(ReadConsistency consistency) {
        return read(consistency, state::size);
    }

    StoreCall<?, Optional<KeyValueEntry>> getEntry(String key, ReadConsistency consistency) {
        limits.checkKey(key);
        return read(consistency, () -> Optional.ofNullable(state.record(key)).map(record -> record.toEntry(key)));
    }

    StoreCall<?, TxnResult> txn(Txn txn) {
        byte[] command = StoreCommands.bytes(mapper, TxnCommands.encode(txn, limits, mapper, this::toJson));
        return submit(command, TxnCommands::decodeResult);
    }

    private StoreCall<?, WriteResult> write(byte[] command) {
        return submit(command, (reply, index) -> new WriteResult(index, reply.path("changed").asBoolean()));
    }

    private <T> StoreCall<?, T> submit(byte[] command, BiFunction<JsonNode, Long, T> decode) {
        limits.checkCommand(command);
        return new StoreCall<RaftEngine.CommandResult, T>(engine.submit(command), result -> {
            lastWriteIndex.accumulateAndGet(result.index(), Math::max);
            JsonNode reply = StoreCommands.parse(mapper, result.result());
            if (reply.has("error")) {
                throw new RaftException(RaftException.Reason.INVALID_REQUEST, reply.get("error").asString());
            }
            return decode.apply(reply, result.index());
        });
    }

    /**
     * Every read is served from this node's copy of the state. LINEARIZABLE waits first for the leader's confirmed
     * commit index to be applied here (ReadIndex, no log entry, no trip through the client session); LOCAL waits only
     * for this node's own earlier writes.
     */
    private <T> StoreCall<?, T> read(ReadConsistency consistency, Supplier<T> local) {
        if (consistency == ReadConsistency.LOCAL) {
            CompletableFuture<Void> applied = RequestDeadlines.appliedWithin(engine.awaitApplied(lastWriteIndex.get()),
                    requestTimeoutMillis, localReadTimedOut);
            return new StoreCall<Void, T>(applied, ignored -> local.get());
        }
        return new StoreCall<>(engine.linearizableReadBarrier(), ignored -> local.get());
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
