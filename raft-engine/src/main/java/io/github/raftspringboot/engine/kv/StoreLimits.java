package io.github.raftspringboot.engine.kv;

import java.nio.charset.StandardCharsets;

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
            throw new IllegalArgumentException("The key is " + size + " bytes long; the limit is " + maxKeyBytes
                    + " bytes (raft.limits.max-key-size)");
        }
    }

    void checkValue(String key, JsonNode value, JsonMapper mapper) {
        if (value == null || value.isMissingNode()) {
            throw new IllegalArgumentException("The value for key '" + key + "' must not be null; use delete to remove a key");
        }
        int size = mapper.writeValueAsBytes(value).length;
        if (size > maxValueBytes) {
            throw new IllegalArgumentException("The value for key '" + key + "' is " + size
                    + " bytes of JSON; the limit is " + maxValueBytes + " bytes (raft.limits.max-value-size)");
        }
    }

    void checkCommand(byte[] command) {
        if (command.length > maxEntryBytes) {
            throw new IllegalArgumentException("The request is " + command.length + " bytes; the limit for one log entry is "
                    + maxEntryBytes + " bytes (raft.limits.max-entry-size)");
        }
    }
}
