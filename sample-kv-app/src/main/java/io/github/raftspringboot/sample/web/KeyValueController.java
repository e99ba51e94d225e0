package io.github.raftspringboot.sample.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.WriteResult;

/**
 * The hraftd key-value API on the replicated store. Keys may contain slashes ({@code GET /key/users/42}). Writes
 * work on every node: the store carries them to the leader.
 */
@RestController
@RequestMapping(path = "/key", produces = MediaType.APPLICATION_JSON_VALUE)
class KeyValueController {

    private final RaftKeyValueStore store;

    KeyValueController(RaftKeyValueStore store) {
        this.store = store;
    }

    /** Sets every key of the JSON object, atomically, in one log entry. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    WriteResult set(@RequestBody JsonNode body) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("The request body must be a JSON object of keys and values, e.g. "
                    + "{\"user\":\"alice\",\"visits\":3}; got a JSON " + body.getNodeType().name().toLowerCase());
        }
        if (body.isEmpty()) {
            throw new IllegalArgumentException("The JSON object is empty: give at least one key, e.g. {\"a\":1}");
        }
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : body.properties()) {
            if (entry.getValue().isNull()) {
                throw new IllegalArgumentException("The value of '" + entry.getKey()
                        + "' is null, which the store does not hold: remove the key with DELETE /key/"
                        + entry.getKey());
            }
            entries.put(entry.getKey(), entry.getValue());
        }
        return store.putAll(entries);
    }

    /** The JSON value of the key, or {@code null} when it is not set. */
    @GetMapping("/{*key}")
    JsonNode get(@PathVariable String key, @RequestParam(required = false) String consistency) {
        return store.get(key(key), ReadConsistencies.parse(consistency)).orElse(NullNode.getInstance());
    }

    /** Removes the key; {@code changed} says whether it existed. */
    @DeleteMapping("/{*key}")
    WriteResult delete(@PathVariable String key) {
        return store.delete(key(key));
    }

    /** The keys starting with {@code prefix} and their values, sorted by key. */
    @GetMapping
    SortedMap<String, JsonNode> list(@RequestParam(defaultValue = "") String prefix,
            @RequestParam(required = false) String consistency) {
        return store.entries(prefix, ReadConsistencies.parse(consistency));
    }

    /** A {@code {*key}} path variable starts with the slash that follows {@code /key}. */
    private static String key(String path) {
        String key = path.startsWith("/") ? path.substring(1) : path;
        if (key.isEmpty()) {
            throw new IllegalArgumentException("The key is missing: use /key/<key>, e.g. /key/user");
        }
        return key;
    }
}
