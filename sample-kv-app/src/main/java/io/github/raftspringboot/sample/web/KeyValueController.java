package io.github.raftspringboot.sample.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.WriteResult;

/**
 * The hraftd key-value API on the replicated store. Keys may contain slashes ({@code GET /key/users/42}); any key,
 * also one a URL path cannot carry, can be read and deleted with the query form {@code /key?key=...}
 * (docs/http-api.md). Writes work on every node: the store carries them to the leader.
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

    /** The JSON value of the key, or {@code null} when it is not set. The key is read as {@link KeyPath} says. */
    @GetMapping("/{*key}")
    JsonNode get(HttpServletRequest request, @RequestParam(required = false) String consistency,
            @RequestParam(required = false) String meta) {
        return read(KeyPath.of(request), consistency, meta);
    }

    /** Removes the key; {@code changed} says whether it existed. */
    @DeleteMapping("/{*key}")
    WriteResult delete(HttpServletRequest request) {
        return store.delete(KeyPath.of(request));
    }

    /**
     * With {@code key}: that key's value (the query form, for any key, also those a URL path cannot carry).
     * Otherwise the keys starting with {@code prefix} and their values, sorted by key.
     */
    @GetMapping
    JsonNode list(@RequestParam(required = false) String key, @RequestParam(required = false) String prefix,
            @RequestParam(required = false) String consistency, @RequestParam(required = false) String meta) {
        if (key != null) {
            if (prefix != null) {
                throw new IllegalArgumentException("Give either key (one key) or prefix (a listing), not both");
            }
            return read(requireKey(key), consistency, meta);
        }
        if (meta != null) {
            throw new IllegalArgumentException("meta=true reads one key: GET /key/<key>?meta=true or "
                    + "GET /key?key=<key>&meta=true");
        }
        SortedMap<String, JsonNode> entries = store.entries((prefix != null) ? prefix : "",
                ReadConsistencies.parse(consistency));
        ObjectNode listing = JsonNodeFactory.instance.objectNode();
        entries.forEach(listing::set);
        return listing;
    }

    /** {@code DELETE /key?key=...}: the query form of {@link #delete}. */
    @DeleteMapping
    WriteResult deleteByQuery(@RequestParam(required = false) String key) {
        if (key == null) {
            throw new IllegalArgumentException("Name the key to delete: DELETE /key/<key> or DELETE /key?key=<key>");
        }
        return store.delete(requireKey(key));
    }

    private JsonNode read(String key, String consistency, String meta) {
        if (!parseMeta(meta)) {
            return store.get(key, ReadConsistencies.parse(consistency)).orElse(NullNode.getInstance());
        }
        return StoreJson.entry(store.getEntry(key, ReadConsistencies.parse(consistency)).orElse(null));
    }

    private static boolean parseMeta(String meta) {
        if (meta == null || meta.equals("false")) {
            return false;
        }
        if (meta.equals("true") || meta.isEmpty()) {
            return true;
        }
        throw new IllegalArgumentException("meta must be true or false, not '" + meta + "'");
    }

    private static String requireKey(String key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("The key is empty: give ?key=<url-encoded key>, e.g. ?key=user");
        }
        return key;
    }
}
