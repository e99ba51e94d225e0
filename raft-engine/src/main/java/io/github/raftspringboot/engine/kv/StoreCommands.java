package io.github.raftspringboot.engine.kv;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The store's log commands, queries and results, as JSON documents (the format is public: ApplyLog takes it).
 * <pre>
 * {"op":"put","key":"a","value":1}
 * {"op":"put_all","entries":{"a":1,"b":[2]}}
 * {"op":"delete","key":"a"}
 * {"op":"cas","key":"a","expected":1,"value":2}     (expected/value null or absent: "absent" / delete)
 * </pre>
 */
final class StoreCommands {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StoreCommands() {
    }

    /**
     * The application's mapper with the store's parsing rules: a duplicate object key is an error (never "last one
     * wins"), and decimal numbers are read as {@link java.math.BigDecimal}, so that every number is kept exactly as
     * written through the log, snapshots and backups (integers are already exact).
     */
    static JsonMapper strict(JsonMapper applicationMapper) {
        JsonMapper.Builder rules = applicationMapper.rebuild()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        return new NamesNotCanonicalized(rules, (JsonFactory) applicationMapper.tokenStreamFactory()).build();
    }

    /**
     * The store's keys are object property names in its commands ({@code put_all}'s entries), i.e. user data of
     * unbounded variety. Jackson's default canonicalizes property names in a symbol table shared by the parsers of one
     * factory: each parse that meets a new name copies the whole table first (tens of KB once it holds thousands of
     * keys), and the table is thrown away and regrown as it fills. Measured on the sample's nodes, that copy was
     * three quarters of every node's allocations per write. Without canonicalization a name is one String.
     * Jackson 3's mapper builder has no setter for the stream factory, hence this subclass.
     */
    private static final class NamesNotCanonicalized extends JsonMapper.Builder {

        NamesNotCanonicalized(JsonMapper.Builder rules, JsonFactory factory) {
            super(new JsonMapper.Builder.StateImpl(rules));
            _streamFactory = factory.rebuild().disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES).build();
        }
    }

    static byte[] put(JsonMapper mapper, String key, JsonNode value) {
        return bytes(mapper, NODES.objectNode().put("op", "put").put("key", key).set("value", value));
    }

    static byte[] putAll(JsonMapper mapper, Map<String, JsonNode> entries) {
        ObjectNode values = NODES.objectNode();
        entries.forEach(values::set);
        return bytes(mapper, NODES.objectNode().put("op", "put_all").set("entries", values));
    }

    static byte[] delete(JsonMapper mapper, String key) {
        return bytes(mapper, NODES.objectNode().put("op", "delete").put("key", key));
    }

    static byte[] compareAndSet(JsonMapper mapper, String key, JsonNode expected, JsonNode value) {
        ObjectNode command = NODES.objectNode().put("op", "cas").put("key", key);
        command.set("expected", (expected != null) ? expected : NODES.nullNode());
        command.set("value", (value != null) ? value : NODES.nullNode());
        return bytes(mapper, command);
    }

    static byte[] query(JsonMapper mapper, String kind, String argument) {
        ObjectNode query = NODES.objectNode().put("q", kind);
        if (argument != null) {
            query.put("arg", argument);
        }
        return bytes(mapper, query);
    }

    static byte[] bytes(JsonMapper mapper, JsonNode node) {
        return mapper.writeValueAsBytes(node);
    }

    static JsonNode parse(JsonMapper mapper, byte[] bytes) {
        try {
            return mapper.readTree(bytes);
        }
        catch (JacksonException ex) {
            throw new IllegalArgumentException("not a valid JSON document: " + ex.getOriginalMessage());
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
