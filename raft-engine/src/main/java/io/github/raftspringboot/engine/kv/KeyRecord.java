package io.github.raftspringboot.engine.kv;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.KeyValueEntry;

/** What the state machine holds for one key: its value and revisions (see {@link KeyValueEntry}). */
record KeyRecord(JsonNode value, long createRevision, long modRevision, long version, long lease) {

    /** The record after a put of {@code newValue} at {@code revision} over {@code previous} (or {@code null}). */
    static KeyRecord written(KeyRecord previous, JsonNode newValue, long revision, long lease) {
        if (previous == null) {
            return new KeyRecord(newValue, revision, revision, 1, lease);
        }
        return new KeyRecord(newValue, previous.createRevision, revision, previous.version + 1, lease);
    }

    KeyValueEntry toEntry(String key) {
        return new KeyValueEntry(key, value, createRevision, modRevision, version, lease);
    }

    ObjectNode toJson() {
        ObjectNode json = StoreCommands.NODES.objectNode();
        json.set("value", value);
        return json.put("createRevision", createRevision).put("modRevision", modRevision).put("version", version)
            .put("lease", lease);
    }

    /** Reads {@link #toJson}'s form; throws {@link IllegalArgumentException} when it is not that. */
    static KeyRecord fromJson(String key, JsonNode json) {
        JsonNode value = json.get("value");
        if (!json.isObject() || value == null || value.isNull() || !json.path("modRevision").isIntegralNumber()
                || !json.path("createRevision").isIntegralNumber() || !json.path("version").isIntegralNumber()) {
            throw new IllegalArgumentException("the record of key '" + key + "' needs a non-null value, createRevision, "
                    + "modRevision and version");
        }
        return new KeyRecord(value, json.get("createRevision").asLong(), json.get("modRevision").asLong(),
                json.get("version").asLong(), json.path("lease").asLong(0));
    }

    static KeyValueEntry entryFromJson(String key, JsonNode json) {
        return fromJson(key, json).toEntry(key);
    }
}
