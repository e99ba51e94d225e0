package io.github.raftspringboot.engine.kv;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.ReplicatedStateMachine;

/**
 * The replicated key-value state: a sorted map from keys to JSON values. Commands are applied on the engine's
 * single apply thread; reads may run on any thread at the same time (the map is concurrent).
 */
final class KeyValueStateMachine implements ReplicatedStateMachine {

    private static final int SECTIONED_FORMAT = 2;

    private static final Set<String> SECTIONS = Set.of("format", "entries", "leases");

    private final JsonMapper mapper;

    private final StoreLimits limits;

    /** Replaced as a whole by {@link #restore}, so that local readers see the old or the new state, never a mix. */
    private volatile ConcurrentSkipListMap<String, JsonNode> entries = new ConcurrentSkipListMap<>();

    /** The leases and the keys attached to them (docs/coordination.md). */
    private final LeaseTable leases = new LeaseTable(System::nanoTime);

    KeyValueStateMachine(JsonMapper mapper, StoreLimits limits) {
        this.mapper = mapper;
        this.limits = limits;
    }

    @Override
    public String validate(byte[] command) {
        try {
            check(StoreCommands.parse(mapper, command));
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
            check(node);
        }
        catch (IllegalArgumentException ex) {
            // Deterministic on every node: the entry is skipped, the submitter is told why.
            return StoreCommands.bytes(mapper, result.put("error", "Invalid store command: " + ex.getMessage()));
        }
        String op = node.get("op").asString();
        if (LeaseCommands.isLeaseOp(op)) {
            return StoreCommands.bytes(mapper, LeaseCommands.apply(leases, index, node, this::removeKeys));
        }
        long lease = LeaseCommands.leaseOf(node);
        if (lease != 0 && !leases.exists(lease)) {
            return StoreCommands.bytes(mapper, LeaseCommands.notFound(result, lease));
        }
        boolean changed = switch (op) {
            case "put" -> !node.get("value").equals(entries.put(node.get("key").asString(), node.get("value")));
            case "put_all" -> {
                boolean any = false;
                for (Map.Entry<String, JsonNode> entry : node.get("entries").properties()) {
                    any |= !entry.getValue().equals(entries.put(entry.getKey(), entry.getValue()));
                }
                yield any;
            }
            case "delete" -> entries.remove(node.get("key").asString()) != null;
            case "cas" -> compareAndSet(node.get("key").asString(), node.get("expected"), node.get("value"));
            default -> throw new IllegalStateException("unreachable: " + op);
        };
        updateLeaseAttachments(index, node, op, changed, lease);
        return StoreCommands.bytes(mapper, result.put("changed", changed));
    }

    /** A key that a write left in place is attached to the write's lease (or to none); a removed key to none. */
    private void updateLeaseAttachments(long index, JsonNode node, String op, boolean changed, long lease) {
        if (op.equals("put_all")) {
            node.get("entries").propertyNames().forEach(leases::detach);
        }
        else if (op.equals("put") || op.equals("delete") || changed) {
            String key = node.get("key").asString();
            if (entries.containsKey(key)) {
                leases.attach(key, lease, index);
            }
            else {
                leases.detach(key);
            }
        }
    }

    /** Deletes the keys of a lease that ended. The one way keys leave the store other than a write to them. */
    private void removeKeys(Collection<String> keys) {
        keys.forEach(entries::remove);
    }

    /** The store's leases, for the lease API and the leader's expiry. */
    LeaseTable leases() {
        return leases;
    }

    private boolean compareAndSet(String key, JsonNode expected, JsonNode value) {
        JsonNode current = entries.get(key);
        boolean expectAbsent = expected == null || expected.isNull();
        if (expectAbsent ? current != null : !expected.equals(current)) {
            return false;
        }
        if (value == null || value.isNull()) {
            return current == null || entries.remove(key) != null;
        }
        entries.put(key, value);
        return true;
    }

    /** Throws with a precise message when the command is not one of the documented forms. */
    private void check(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a command must be a JSON object such as {\"op\":\"put\",\"key\":\"a\",\"value\":1}");
        }
        JsonNode op = node.get("op");
        if (op == null || !op.isString()) {
            throw new IllegalArgumentException("\"op\" is missing; use put, put_all, delete or cas");
        }
        switch (op.asString()) {
            case "put" -> {
                limits.checkKey(key(node));
                limits.checkValue(key(node), node.get("value"), mapper);
                LeaseCommands.checkLeaseField(node);
            }
            case "delete" -> limits.checkKey(key(node));
            case "cas" -> {
                limits.checkKey(key(node));
                if (node.hasNonNull("value")) {
                    limits.checkValue(key(node), node.get("value"), mapper);
                }
                LeaseCommands.checkLeaseField(node);
            }
            case "put_all" -> {
                JsonNode values = node.get("entries");
                if (values == null || !values.isObject() || values.isEmpty()) {
                    throw new IllegalArgumentException("\"entries\" must be a non-empty JSON object of keys to values");
                }
                for (Map.Entry<String, JsonNode> entry : values.properties()) {
                    limits.checkKey(entry.getKey());
                    limits.checkValue(entry.getKey(), entry.getValue(), mapper);
                }
            }
            default -> {
                if (!LeaseCommands.isLeaseOp(op.asString())) {
                    throw new IllegalArgumentException("unknown op \"" + op.asString()
                            + "\"; use put, put_all, delete or cas");
                }
                LeaseCommands.check(node);
            }
        }
    }

    private static String key(JsonNode node) {
        JsonNode key = node.get("key");
        if (key == null || !key.isString()) {
            throw new IllegalArgumentException("\"key\" must be a string");
        }
        return key.asString();
    }

    @Override
    public byte[] query(byte[] query) {
        if (query.length == 0) {
            return query;
        }
        JsonNode node = StoreCommands.parse(mapper, query);
        String argument = node.path("arg").asString("");
        JsonNode answer = switch (node.get("q").asString()) {
            case "get" -> entries.getOrDefault(argument, StoreCommands.NODES.missingNode());
            case "keys" -> keys(argument);
            case "entries" -> entries(argument);
            case "size" -> StoreCommands.NODES.numberNode((long) entries.size());
            case "lease", "leases", "lease_of" -> LeaseCommands.query(leases, node.get("q").asString(), argument);
            default -> throw new IllegalArgumentException("unknown query " + node);
        };
        return answer.isMissingNode() ? new byte[0] : StoreCommands.bytes(mapper, answer);
    }

    JsonNode get(String key) {
        return entries.get(key);
    }

    ArrayNode keys(String prefix) {
        ArrayNode keys = StoreCommands.NODES.arrayNode();
        withPrefix(prefix).keySet().forEach(keys::add);
        return keys;
    }

    ObjectNode entries(String prefix) {
        ObjectNode result = StoreCommands.NODES.objectNode();
        withPrefix(prefix).forEach(result::set);
        return result;
    }

    long size() {
        return entries.size();
    }

    private NavigableMap<String, JsonNode> withPrefix(String prefix) {
        NavigableMap<String, JsonNode> current = entries;
        if (prefix.isEmpty()) {
            return current;
        }
        return current.subMap(prefix, true, prefix + Character.MAX_VALUE, true);
    }

    /**
     * Without leases, the plain form every version wrote: {@code {"key":value,...}}. With leases, sections:
     * {@code {"format":2,"entries":{"key":value,...},"leases":[...]}}.
     */
    @Override
    public void snapshot(OutputStream out) throws IOException {
        try (JsonGenerator generator = mapper.createGenerator(out)) {
            boolean sectioned = !leases.isEmpty();
            if (sectioned) {
                generator.writeStartObject();
                generator.writeNumberProperty("format", SECTIONED_FORMAT);
                generator.writeName("entries");
            }
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> entry : entries.entrySet()) {
                generator.writeName(entry.getKey());
                mapper.writeTree(generator, entry.getValue());
            }
            generator.writeEndObject();
            if (sectioned) {
                generator.writeName("leases");
                mapper.writeTree(generator, leases.toJson());
                generator.writeEndObject();
            }
        }
    }

    @Override
    public void restore(InputStream in) throws IOException {
        ConcurrentSkipListMap<String, JsonNode> restored = new ConcurrentSkipListMap<>();
        JsonNode root;
        try {
            root = mapper.readTree(in);
        }
        catch (JacksonException ex) {
            throw new IOException("The state is not valid store JSON: " + ex.getOriginalMessage(), ex);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("A store snapshot must be a JSON object");
        }
        boolean sectioned = isSectioned(root);
        for (Map.Entry<String, JsonNode> entry : (sectioned ? root.get("entries") : root).properties()) {
            if (entry.getValue().isNull()) {
                // Refused like every other write of a null: a backup or snapshot holding one changes nothing.
                throw new IOException("The state holds null for key '" + entry.getKey() + "': the store does not "
                        + "hold null values (a missing key reads as empty)");
            }
            restored.put(entry.getKey(), entry.getValue());
        }
        try {
            leases.restore(sectioned ? root.get("leases") : null);
        }
        catch (RuntimeException ex) {
            throw new IOException("The state's leases are not valid: " + ex.getMessage(), ex);
        }
        entries = restored;
    }

    /** A sectioned snapshot has exactly the sections it names; a plain one is a map of user keys. */
    private static boolean isSectioned(JsonNode root) {
        return root.path("format").isIntegralNumber() && root.path("entries").isObject()
                && root.propertyNames().stream().allMatch(name -> SECTIONS.contains(name));
    }
}
