package io.github.raftspringboot.engine.kv;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.TxnCompare;

/** Applies a checked transaction command ({@link TxnCommands}) to the state: compares, then one branch's ops. */
final class TxnExecutor {

    /** The state a transaction reads and writes; writes go through the state machine's single write path. */
    interface KeySpace {

        KeyRecord read(String key);

        /** Puts ({@code value} non-null) or deletes; returns whether the value changed. */
        boolean write(String key, JsonNode value);
    }

    private TxnExecutor() {
    }

    static ObjectNode execute(JsonNode command, KeySpace keys) {
        boolean succeeded = true;
        for (JsonNode compare : command.get("compare")) {
            succeeded &= holds(compare, keys.read(compare.get("key").asString()));
        }
        ArrayNode results = StoreCommands.NODES.arrayNode();
        for (JsonNode op : command.get(succeeded ? "success" : "failure")) {
            String key = op.get("key").asString();
            String type = op.get("type").asString();
            ObjectNode result = results.addObject().put("type", type).put("key", key);
            switch (type) {
                case "PUT" -> {
                    result.put("changed", keys.write(key, op.get("value")));
                    result.set("entry", keys.read(key).toJson());
                }
                case "DELETE" -> result.put("changed", keys.write(key, null));
                case "GET" -> {
                    KeyRecord record = keys.read(key);
                    result.put("changed", false);
                    result.set("entry", (record != null) ? record.toJson() : StoreCommands.NODES.nullNode());
                }
                default -> throw new IllegalStateException("unchecked transaction op " + type);
            }
        }
        return StoreCommands.NODES.objectNode().put("succeeded", succeeded).set("results", results);
    }

    private static boolean holds(JsonNode compare, KeyRecord record) {
        TxnCompare.Operator operator = TxnCompare.Operator.valueOf(compare.get("operator").asString());
        JsonNode operand = compare.get("operand");
        TxnCompare.Target target = TxnCompare.Target.valueOf(compare.get("target").asString());
        if (target == TxnCompare.Target.VALUE) {
            boolean equal = record != null && record.value().equals(operand);
            return (operator == TxnCompare.Operator.EQUAL) == equal;
        }
        long actual = switch (target) {
            case VERSION -> (record != null) ? record.version() : 0;
            case CREATE_REVISION -> (record != null) ? record.createRevision() : 0;
            case MOD_REVISION -> (record != null) ? record.modRevision() : 0;
            case VALUE -> throw new IllegalStateException("handled above");
        };
        int order = Long.compare(actual, operand.asLong());
        return switch (operator) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case LESS -> order < 0;
            case GREATER -> order > 0;
        };
    }
}
