package io.github.raftspringboot.engine.kv;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks that a store command is one of the documented forms and within the store's limits, with a message that says
 * what is wrong. The same check runs when a command is submitted and when it is applied, on every node, so an entry
 * that fails it is skipped alike everywhere.
 */
final class StoreCommandCheck {

    private final JsonMapper mapper;

    private final StoreLimits limits;

    StoreCommandCheck(JsonMapper mapper, StoreLimits limits) {
        this.mapper = mapper;
        this.limits = limits;
    }

    /** Throws with a precise message when the command ({@code length} bytes) is not one of the documented forms. */
    void check(JsonNode node, int length) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(
                    "a command must be a JSON object such as {\"op\":\"put\",\"key\":\"a\",\"value\":1}");
        }
        JsonNode op = node.get("op");
        if (op == null || !op.isString()) {
            throw new IllegalArgumentException("\"op\" is missing; use put, put_all, delete, cas or txn");
        }
        switch (op.asString()) {
            case "put" -> {
                limits.checkKey(key(node));
                checkValue(key(node), node.get("value"), length);
                LeaseCommands.checkLeaseField(node);
            }
            case "delete" -> limits.checkKey(key(node));
            case "cas" -> {
                limits.checkKey(key(node));
                if (node.hasNonNull("value")) {
                    checkValue(key(node), node.get("value"), length);
                }
                LeaseCommands.checkLeaseField(node);
            }
            case "txn" -> TxnCommands.check(node, limits, mapper);
            case "put_all" -> {
                JsonNode values = node.get("entries");
                if (values == null || !values.isObject() || values.isEmpty()) {
                    throw new IllegalArgumentException("\"entries\" must be a non-empty JSON object of keys to values");
                }
                for (Map.Entry<String, JsonNode> entry : values.properties()) {
                    limits.checkKey(entry.getKey());
                    checkValue(entry.getKey(), entry.getValue(), length);
                }
            }
            default -> {
                if (!LeaseCommands.isLeaseOp(op.asString())) {
                    throw new IllegalArgumentException("unknown op \"" + op.asString()
                            + "\"; use put, put_all, delete, cas, txn or a lease op");
                }
                LeaseCommands.check(node);
            }
        }
    }

    private void checkValue(String key, JsonNode value, int commandLength) {
        limits.checkValue(key, value);
        limits.checkValueSize(key, value, mapper, commandLength);
    }

    private static String key(JsonNode node) {
        JsonNode key = node.get("key");
        if (key == null || !key.isString()) {
            throw new IllegalArgumentException("\"key\" must be a string");
        }
        return key.asString();
    }
}
