package io.github.raftspringboot.engine.kv;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.WatchEvent;

/**
 * About how much heap the change history holds for a change: its key, and the trees of Jackson nodes of its value
 * and previous value (objects and their entries, arrays, strings), on a 64-bit JVM with compressed references.
 * <p>
 * Why not the JSON's length: a value with many small fields takes several times its text in heap (an entry, a key
 * string and a node per field, about 110 bytes for {@code "f123":123}). Weighed by twice its command, a history bound
 * to 64 MB of such values held 234 MB of heap after a full GC (one node, 12,000 puts of 600-field objects to 100
 * keys), enough to exhaust a small heap. Deterministic, so every node keeps the same revisions.
 */
final class JsonHeapWeight {

    /** An object header and a reference or two: the event record, a node holding a number, true, false or null. */
    private static final long SMALL_OBJECT = 24;

    private JsonHeapWeight() {
    }

    /** The heap the history holds for {@code changes}. */
    static long of(List<WatchEvent> changes) {
        long weight = 0;
        for (WatchEvent change : changes) {
            weight += of(change);
        }
        return weight;
    }

    static long of(WatchEvent change) {
        return 2 * SMALL_OBJECT + string(change.key()) + of(change.value()) + of(change.prevValue());
    }

    /** The heap of {@code node}'s tree; 0 for null. */
    static long of(JsonNode node) {
        if (node == null) {
            return 0;
        }
        if (node.isObject()) {
            // The node, its LinkedHashMap and table; per property an entry, a table slot, the key and the value.
            long weight = SMALL_OBJECT + 64;
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                weight += 40 + 8 + string(property.getKey()) + of(property.getValue());
            }
            return weight;
        }
        if (node.isArray()) {
            // The node, its ArrayList and array; per element a slot and the element.
            long weight = SMALL_OBJECT + 24 + 16;
            for (JsonNode element : node) {
                weight += 4 + of(element);
            }
            return weight;
        }
        if (node.isString()) {
            return 16 + string(node.asString());
        }
        if (node.isBigDecimal() || node.isBigInteger()) {
            return SMALL_OBJECT + 48;
        }
        return SMALL_OBJECT;
    }

    /** A string's object and its bytes (Latin-1 text takes one byte a character; other text counts low). */
    private static long string(String text) {
        return 24 + 16 + text.length();
    }
}
