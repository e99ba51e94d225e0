package io.github.raftspringboot.engine.kv;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.api.WatchEvent;

/**
 * The replicated key-value state: a sorted map from keys to JSON values with their revisions, and the recent changes
 * for watches. Commands are applied on the engine's single apply thread; reads may run on any thread at the same time
 * (the map is concurrent). Every change of a key goes through {@link #write}, which keeps the revisions and emits the
 * change to the watches.
 */
final class KeyValueStateMachine implements ReplicatedStateMachine {

    private final JsonMapper mapper;

    private final StoreLimits limits;

    private final StoreSnapshotFormat snapshotFormat;

    private final StoreCommandCheck commands;

    /** Replaced as a whole by {@link #restore}, so that local readers see the old or the new state, never a mix. */
    private volatile ConcurrentSkipListMap<String, KeyRecord> entries = new ConcurrentSkipListMap<>();

    private final WatchHub watches;

    /** The changes of the command being applied (apply thread only), published when it is done. */
    private final List<WatchEvent> changes = new ArrayList<>();

    /** The index of the command being applied: the revision of what it writes (apply thread only). */
    private long applyingIndex;

    /** The leases and the keys attached to them (docs/coordination.md); replaced with the entries on restore. */
    private final LeaseTable leases = new LeaseTable(System::nanoTime);

    KeyValueStateMachine(JsonMapper mapper, StoreLimits limits) {
        this(mapper, limits, 10_000, 64L << 20);
    }

    KeyValueStateMachine(JsonMapper mapper, StoreLimits limits, int watchHistory, long watchHistoryBytes) {
        this(mapper, limits, watchHistory, watchHistoryBytes, StoreSnapshotFormat.BINARY);
    }

    KeyValueStateMachine(JsonMapper mapper, StoreLimits limits, int watchHistory, long watchHistoryBytes,
            StoreSnapshotFormat snapshotFormat) {
        this.mapper = mapper;
        this.snapshotFormat = snapshotFormat;
        this.limits = limits;
        this.commands = new StoreCommandCheck(mapper, limits);
        this.watches = new WatchHub(new ChangeHistory.Bounds(watchHistory, watchHistoryBytes));
    }

    @Override
    public String validate(byte[] command) {
        try {
            commands.check(StoreCommands.parse(mapper, command), command.length);
            limits.checkCommand(command);
            return null;
        }
        catch (IllegalArgumentException ex) {
            return "Invalid store command: " + ex.getMessage();
        }
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        ObjectNode result = StoreCommands.NODES.objectNode();
        JsonNode node;
        try {
            node = StoreCommands.parse(mapper, command);
            commands.check(node, command.length);
        }
        catch (IllegalArgumentException ex) {
            // Deterministic on every node: the entry is skipped, the submitter is told why.
            return StoreCommands.bytes(mapper, result.put("error", "Invalid store command: " + ex.getMessage()));
        }
        String op = node.get("op").asString();
        applyingIndex = index;
        changes.clear();
        try {
            long lease = LeaseCommands.leaseOf(node);
            if (LeaseCommands.isLeaseOp(op)) {
                result = LeaseCommands.apply(leases, index, node, this::removeKeys);
            }
            else if (lease != 0 && !leases.exists(lease)) {
                LeaseCommands.notFound(result, lease);
            }
            else {
                result = applyWrite(op, node, lease, result);
            }
        }
        finally {
            // Weighed by the heap the history will hold for them (values and previous values), not their text.
            watches.publish(List.copyOf(changes), JsonHeapWeight.of(changes));
            changes.clear();
        }
        return StoreCommands.bytes(mapper, result);
    }

    private ObjectNode applyWrite(String op, JsonNode node, long lease, ObjectNode result) {
        switch (op) {
            case "put" -> result.put("changed", write(node.get("key").asString(), node.get("value"), lease));
            case "put_all" -> {
                boolean any = false;
                for (Map.Entry<String, JsonNode> entry : node.get("entries").properties()) {
                    any |= write(entry.getKey(), entry.getValue(), 0);
                }
                result.put("changed", any);
            }
            case "delete" -> result.put("changed", write(node.get("key").asString(), null, 0));
            case "cas" -> result.put("changed",
                    compareAndSet(node.get("key").asString(), node.get("expected"), node.get("value"), lease));
            case "txn" -> {
                return TxnExecutor.execute(node, new TxnExecutor.KeySpace() {
                    @Override
                    public KeyRecord read(String key) {
                        return entries.get(key);
                    }

                    @Override
                    public boolean write(String key, JsonNode value) {
                        return KeyValueStateMachine.this.write(key, value, 0);
                    }
                });
            }
            default -> throw new IllegalStateException("unreachable: " + op);
        }
        return result;
    }

    /** Deletes the keys of a lease that ended (revoked or expired), as writes of this entry, seen by the watches. */
    private void removeKeys(Collection<String> keys) {
        keys.forEach(key -> write(key, null, 0));
    }

    /** The store's leases, for the lease API and the leader's expiry. */
    LeaseTable leases() {
        return leases;
    }

    /**
     * The one path by which a key changes: puts {@code value}, or deletes the key when it is {@code null}, at the
     * revision of the command being applied, and records the change for the watches. A put of the value a key
     * already has is still a write (its version and modRevision move, watches see it) but does not count as changed.
     *
     * A put attaches the key to {@code lease} (0: to none, detaching it from any); a delete detaches it.
     *
     * @return whether the value changed
     */
    private boolean write(String key, JsonNode value, long lease) {
        long revision = applyingIndex;
        KeyRecord previous = entries.get(key);
        JsonNode before = (previous != null) ? previous.value() : null;
        if (value == null) {
            if (previous == null) {
                return false;
            }
            entries.remove(key);
            leases.detach(key);
            changes.add(new WatchEvent(WatchEvent.Type.DELETE, key, null, revision, before));
            return true;
        }
        entries.put(key, KeyRecord.written(previous, value, revision, lease));
        leases.attach(key, lease, revision);
        changes.add(new WatchEvent(WatchEvent.Type.PUT, key, value, revision, before));
        return !value.equals(before);
    }

    private boolean compareAndSet(String key, JsonNode expected, JsonNode value, long lease) {
        KeyRecord current = entries.get(key);
        boolean expectAbsent = expected == null || expected.isNull();
        if (expectAbsent ? current != null : (current == null || !expected.equals(current.value()))) {
            return false;
        }
        if (value == null || value.isNull()) {
            return current == null || write(key, null, 0);
        }
        write(key, value, lease);
        return true;
    }

    @Override
    public byte[] query(byte[] query) {
        if (query.length == 0) {
            return query;
        }
        JsonNode node = StoreCommands.parse(mapper, query);
        String argument = node.path("arg").asString("");
        JsonNode answer = switch (node.get("q").asString()) {
            case "get" -> {
                KeyRecord record = entries.get(argument);
                yield (record != null) ? record.value() : StoreCommands.NODES.missingNode();
            }
            case "entry" -> {
                KeyRecord record = entries.get(argument);
                yield (record != null) ? record.toJson() : StoreCommands.NODES.missingNode();
            }
            case "keys" -> keys(argument);
            case "entries" -> entries(argument);
            case "size" -> StoreCommands.NODES.numberNode((long) entries.size());
            case "lease", "leases", "lease_of" -> LeaseCommands.query(leases, node.get("q").asString(), argument);
            default -> throw new IllegalArgumentException("unknown query " + node);
        };
        return answer.isMissingNode() ? new byte[0] : StoreCommands.bytes(mapper, answer);
    }

    JsonNode get(String key) {
        KeyRecord record = entries.get(key);
        return (record != null) ? record.value() : null;
    }

    KeyRecord record(String key) {
        return entries.get(key);
    }

    ArrayNode keys(String prefix) {
        ArrayNode keys = StoreCommands.NODES.arrayNode();
        withPrefix(prefix).keySet().forEach(keys::add);
        return keys;
    }

    ObjectNode entries(String prefix) {
        ObjectNode result = StoreCommands.NODES.objectNode();
        withPrefix(prefix).forEach((key, record) -> result.set(key, record.value()));
        return result;
    }

    long size() {
        return entries.size();
    }

    /** Watches the keys {@code filter} accepts from {@code fromRevision}: see {@link WatchHub#watch}. */
    RaftWatch watch(Predicate<String> filter, long fromRevision, RaftWatchListener listener) {
        return watches.watch(filter, fromRevision, listener);
    }

    long oldestWatchRevision() {
        return watches.oldestRevision();
    }

    private NavigableMap<String, KeyRecord> withPrefix(String prefix) {
        NavigableMap<String, KeyRecord> current = entries;
        if (prefix.isEmpty()) {
            return current;
        }
        return current.subMap(prefix, true, prefix + Character.MAX_VALUE, true);
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        KeyValueSnapshot.write(out, snapshotFormat, mapper, entries, watches.historyJson(), leases.toJson());
    }

    /**
     * Reads the new state beside the old one and swaps it in at once, so that local readers see the old state or the
     * new one, never a mix, and a snapshot that cannot be read changes nothing. Records that are the same in both are
     * shared, so the heap holds two copies only of what changed (docs/operations.md, "Restoring").
     */
    @Override
    public void restore(InputStream in) throws IOException {
        KeyValueSnapshot.State restored = KeyValueSnapshot.read(in, mapper, watches.bounds(), entries);
        try {
            leases.restore(restored.leases());
        }
        catch (RuntimeException ex) {
            throw new IOException("The state's leases are not valid: " + ex.getMessage(), ex);
        }
        entries = restored.entries();
        watches.restore(restored.history());
    }
}
