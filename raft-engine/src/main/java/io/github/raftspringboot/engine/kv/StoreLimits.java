package io.github.raftspringboot.engine.kv;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Checks keys and values before they reach the log, with messages that say what is wrong and what is allowed. */
public record StoreLimits(int maxKeyBytes, int maxValueBytes, int maxEntryBytes) {

    void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("The key must not be null or empty");
        }
        int size = key.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxKeyBytes) {
            throw new KeyTooLongException(size, maxKeyBytes);
        }
    }

    void checkValue(String key, JsonNode value, JsonMapper mapper) {
        checkValue(key, value);
        checkValueSize(key, value, mapper, Integer.MAX_VALUE);
    }

    /** The value is there and JSON can hold it: not null, missing, NaN or infinite. */
    void checkValue(String key, JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            throw new IllegalArgumentException("The value for key '" + key + "' is null, which the store does not "
                    + "hold (a missing key reads as empty): use delete to remove a key");
        }
        String nonFinite = nonFiniteNumber(value, "");
        if (nonFinite != null) {
            throw new IllegalArgumentException("The value for key '" + key + "' holds " + nonFinite
                    + ", which JSON cannot represent: store a finite number, or the text as a string");
        }
    }

    /**
     * The value's JSON is within {@code raft.limits.max-value-size}. {@code enclosingBytes} is the length of a JSON
     * document written by {@code mapper} that holds the value (its command), or {@link Integer#MAX_VALUE}: the value's
     * JSON is part of that document, so when the document is within the limit the value is too, and it is not written
     * out again to be measured (for a 64 KB value that was a tenth of a put's Jackson work, on every node).
     */
    void checkValueSize(String key, JsonNode value, JsonMapper mapper, int enclosingBytes) {
        if (enclosingBytes <= maxValueBytes) {
            return;
        }
        int size = mapper.writeValueAsBytes(value).length;
        if (size > maxValueBytes) {
            throw new IllegalArgumentException("The value for key '" + key + "' is " + size
                    + " bytes of JSON; the limit is " + maxValueBytes + " bytes (raft.limits.max-value-size)");
        }
    }

    /** Where NaN or an infinity hides in {@code value} (a JSON pointer), or {@code null}: parsed JSON has none. */
    private static String nonFiniteNumber(JsonNode value, String pointer) {
        if (value.isFloatingPointNumber() && !value.isBigDecimal() && !Double.isFinite(value.asDouble())) {
            return value.asDouble() + (pointer.isEmpty() ? "" : " at " + pointer);
        }
        if (value.isContainer()) {
            for (Map.Entry<String, JsonNode> child : value.properties()) {
                String found = nonFiniteNumber(child.getValue(), pointer + "/" + child.getKey());
                if (found != null) {
                    return found;
                }
            }
            for (int i = 0; value.isArray() && i < value.size(); i++) {
                String found = nonFiniteNumber(value.get(i), pointer + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    void checkCommand(byte[] command) {
        if (command.length > maxEntryBytes) {
            throw new IllegalArgumentException("The request is " + command.length + " bytes; the limit for one log entry is "
                    + maxEntryBytes + " bytes (raft.limits.max-entry-size)");
        }
    }
}
