package io.github.raftspringboot.sample.web;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.WatchEvent;

/** The JSON shapes of the coordination endpoints: a key with its revisions, a watch event. */
final class StoreJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StoreJson() {
    }

    /** {@code {"value":...,"version":...,"createRevision":...,"modRevision":...,"lease":...}}; a missing key: null, 0s. */
    static ObjectNode entry(KeyValueEntry entry) {
        ObjectNode json = NODES.objectNode();
        json.set("value", (entry != null) ? entry.value() : NODES.nullNode());
        json.put("version", (entry != null) ? entry.version() : 0);
        json.put("createRevision", (entry != null) ? entry.createRevision() : 0);
        json.put("modRevision", (entry != null) ? entry.modRevision() : 0);
        json.put("lease", (entry != null) ? entry.lease() : 0);
        return json;
    }

    /** {@code {"type":"PUT","key":...,"value":...,"revision":...,"prevValue":...}}. */
    static ObjectNode event(WatchEvent event) {
        ObjectNode json = NODES.objectNode().put("type", event.type().name()).put("key", event.key());
        json.set("value", orNull(event.value()));
        json.put("revision", event.revision());
        json.set("prevValue", orNull(event.prevValue()));
        return json;
    }

    private static JsonNode orNull(JsonNode value) {
        return (value != null) ? value : NODES.nullNode();
    }
}
