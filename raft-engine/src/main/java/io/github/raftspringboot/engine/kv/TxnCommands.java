package io.github.raftspringboot.engine.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnCompare;
import io.github.raftspringboot.api.TxnOp;
import io.github.raftspringboot.api.TxnResult;

/**
 * The transaction command in the log and its result:
 * <pre>
 * {"op":"txn",
 *  "compare":[{"key":"a","target":"VALUE","operator":"EQUAL","operand":1}],
 *  "success":[{"type":"PUT","key":"a","value":2},{"type":"DELETE","key":"c"}],
 *  "failure":[{"type":"GET","key":"a"}]}
 * result: {"succeeded":true,"results":[{"type":"PUT","key":"a","changed":true,"entry":{...}}]}
 * </pre>
 */
final class TxnCommands {

    private TxnCommands() {
    }

    /** The log command for {@code txn}; throws {@link IllegalArgumentException} saying what is wrong with it. */
    static ObjectNode encode(Txn txn, StoreLimits limits, JsonMapper mapper, Function<Object, JsonNode> toJson) {
        if (txn == null) {
            throw new IllegalArgumentException("The transaction must not be null");
        }
        ObjectNode command = StoreCommands.NODES.objectNode().put("op", "txn");
        ArrayNode compares = command.putArray("compare");
        for (TxnCompare compare : txn.compare()) {
            ObjectNode item = compares.addObject().put("key", compare.key());
            item.put("target", (compare.target() != null) ? compare.target().name() : null);
            item.put("operator", (compare.operator() != null) ? compare.operator().name() : null);
            item.set("operand", (compare.operand() != null) ? toJson.apply(compare.operand()) : null);
        }
        command.set("success", ops(txn.success(), toJson));
        command.set("failure", ops(txn.failure(), toJson));
        check(command, limits, mapper);
        return command;
    }

    private static ArrayNode ops(List<TxnOp> ops, Function<Object, JsonNode> toJson) {
        ArrayNode array = StoreCommands.NODES.arrayNode();
        for (TxnOp op : ops) {
            ObjectNode item = array.addObject();
            if (op instanceof TxnOp.Put put) {
                item.put("type", "PUT").put("key", put.key())
                    .set("value", (put.value() != null) ? toJson.apply(put.value()) : null);
            }
            else {
                item.put("type", (op instanceof TxnOp.Delete) ? "DELETE" : "GET").put("key", op.key());
            }
        }
        return array;
    }

    /** Throws with a precise message when {@code command} is not a valid transaction command. */
    static void check(JsonNode command, StoreLimits limits, JsonMapper mapper) {
        JsonNode compares = command.get("compare");
        if (compares == null || !compares.isArray()) {
            throw new IllegalArgumentException("a transaction needs a \"compare\" list (it may be empty)");
        }
        int i = 0;
        for (JsonNode compare : compares) {
            checkCompare(compare, "compare[" + i++ + "]", limits, mapper);
        }
        int ops = checkOps(command.get("success"), "success", limits, mapper)
                + checkOps(command.get("failure"), "failure", limits, mapper);
        if (ops == 0) {
            throw new IllegalArgumentException("the transaction has no operation in either branch: give success or "
                    + "failure at least one put, delete or get");
        }
    }

    private static void checkCompare(JsonNode compare, String where, StoreLimits limits, JsonMapper mapper) {
        String key = compare.path("key").asString(null);
        limitsKey(limits, key, where);
        TxnCompare.Target target = enumOf(TxnCompare.Target.class, compare.path("target").asString(null),
                where + ".target");
        TxnCompare.Operator operator = enumOf(TxnCompare.Operator.class, compare.path("operator").asString(null),
                where + ".operator");
        JsonNode operand = compare.get("operand");
        if (target == TxnCompare.Target.VALUE) {
            if (operator != TxnCompare.Operator.EQUAL && operator != TxnCompare.Operator.NOT_EQUAL) {
                throw new IllegalArgumentException(where + " compares a value with " + operator
                        + ": values compare with EQUAL or NOT_EQUAL only");
            }
            if (operand == null || operand.isNull()) {
                throw new IllegalArgumentException(where + " compares the value of '" + key + "' with null: to test "
                        + "that a key is missing, compare its version with 0");
            }
            limits.checkValue(key, operand, mapper);
        }
        else if (operand == null || !operand.isIntegralNumber()) {
            throw new IllegalArgumentException(where + " compares the " + target + " of '" + key
                    + "', which needs a whole number operand, not " + operand);
        }
    }

    private static int checkOps(JsonNode ops, String branch, StoreLimits limits, JsonMapper mapper) {
        if (ops == null || !ops.isArray()) {
            throw new IllegalArgumentException("a transaction needs a \"" + branch + "\" list (it may be empty)");
        }
        int i = 0;
        for (JsonNode op : ops) {
            String where = branch + "[" + i++ + "]";
            String key = op.path("key").asString(null);
            limitsKey(limits, key, where);
            String type = op.path("type").asString("");
            switch (type) {
                case "PUT" -> limits.checkValue(key, op.get("value"), mapper);
                case "DELETE", "GET" -> {
                }
                default -> throw new IllegalArgumentException(where + " has type \"" + type
                        + "\"; use PUT, DELETE or GET");
            }
        }
        return ops.size();
    }

    private static void limitsKey(StoreLimits limits, String key, String where) {
        try {
            limits.checkKey(key);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String name, String where) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(where + " must be one of " + List.of(type.getEnumConstants())
                + ", not " + name);
    }

    /** The result the state machine returned for a transaction applied at {@code index}. */
    static TxnResult decodeResult(JsonNode reply, long index) {
        List<TxnResult.OpResult> results = new ArrayList<>();
        for (JsonNode item : reply.path("results")) {
            String key = item.path("key").asString();
            KeyValueEntry entry = item.hasNonNull("entry") ? KeyRecord.entryFromJson(key, item.get("entry")) : null;
            results.add(new TxnResult.OpResult(TxnResult.Type.valueOf(item.path("type").asString()), key,
                    item.path("changed").asBoolean(), entry));
        }
        return new TxnResult(reply.path("succeeded").asBoolean(), index, results);
    }
}
