package io.github.raftspringboot.sample.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnCompare;
import io.github.raftspringboot.api.TxnOp;
import io.github.raftspringboot.api.TxnResult;

/**
 * {@code POST /txn}: a transaction in one log entry (docs/http-api.md).
 * <pre>
 * {"compare":[{"key":"a","value":1},{"key":"b","version":0}],
 *  "success":[{"put":{"a":2}},{"delete":"c"}],
 *  "failure":[{"get":"a"}]}
 * </pre>
 * A compare names a key and one of value, version, createRevision or modRevision, with an optional
 * {@code "op"} ({@code "="} by default, {@code "!="}, {@code "<"}, {@code ">"}).
 */
@RestController
class TxnController {

    private static final Map<String, TxnCompare.Target> TARGETS = Map.of("value", TxnCompare.Target.VALUE,
            "version", TxnCompare.Target.VERSION, "createRevision", TxnCompare.Target.CREATE_REVISION,
            "modRevision", TxnCompare.Target.MOD_REVISION);

    private static final Map<String, TxnCompare.Operator> OPERATORS = Map.of("=", TxnCompare.Operator.EQUAL,
            "!=", TxnCompare.Operator.NOT_EQUAL, "<", TxnCompare.Operator.LESS, ">", TxnCompare.Operator.GREATER);

    private final RaftKeyValueStore store;

    TxnController(RaftKeyValueStore store) {
        this.store = store;
    }

    @PostMapping(path = "/txn", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode txn(@RequestBody JsonNode body) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("The request body must be a JSON object with compare, success and "
                    + "failure lists, e.g. {\"compare\":[{\"key\":\"a\",\"value\":1}],\"success\":[{\"put\":{\"a\":2}}]}");
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!List.of("compare", "success", "failure").contains(field.getKey())) {
                throw new IllegalArgumentException("Unknown field '" + field.getKey()
                        + "': a transaction has compare, success and failure");
            }
        }
        List<TxnCompare> compares = new ArrayList<>();
        int i = 0;
        for (JsonNode item : list(body, "compare")) {
            compares.add(compare(item, "compare[" + i++ + "]"));
        }
        Txn txn = new Txn(compares, ops(body, "success"), ops(body, "failure"));
        return result(store.txn(txn));
    }

    private static List<JsonNode> list(JsonNode body, String name) {
        JsonNode list = body.get(name);
        if (list == null) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("'" + name + "' must be a JSON list");
        }
        List<JsonNode> items = new ArrayList<>();
        list.forEach(items::add);
        return items;
    }

    private static TxnCompare compare(JsonNode item, String where) {
        if (!item.isObject() || !item.path("key").isString()) {
            throw new IllegalArgumentException(where + " must be an object with a string \"key\" and one of value, "
                    + "version, createRevision or modRevision, e.g. {\"key\":\"b\",\"version\":0}");
        }
        TxnCompare.Target target = null;
        JsonNode operand = null;
        for (Map.Entry<String, JsonNode> field : item.properties()) {
            String name = field.getKey();
            if (name.equals("key") || name.equals("op")) {
                continue;
            }
            if (!TARGETS.containsKey(name)) {
                throw new IllegalArgumentException(where + " has an unknown field '" + name
                        + "': compare one of value, version, createRevision or modRevision");
            }
            if (target != null) {
                throw new IllegalArgumentException(where + " compares more than one thing: give one of value, "
                        + "version, createRevision or modRevision per compare");
            }
            target = TARGETS.get(name);
            operand = field.getValue();
        }
        if (target == null) {
            throw new IllegalArgumentException(where + " compares nothing: add one of value, version, createRevision "
                    + "or modRevision");
        }
        String op = item.path("op").asString("=");
        TxnCompare.Operator operator = OPERATORS.get(op);
        if (operator == null) {
            throw new IllegalArgumentException(where + " has op '" + op + "': use =, !=, < or >");
        }
        if (target != TxnCompare.Target.VALUE && operand.isIntegralNumber() && !operand.canConvertToLong()) {
            // Versions and revisions are longs: a larger number can match none of them.
            throw new IllegalArgumentException(where + " compares with " + operand + ", which is out of range: "
                    + "versions and revisions are whole numbers up to " + Long.MAX_VALUE);
        }
        Object value = (target == TxnCompare.Target.VALUE || !operand.isIntegralNumber()) ? operand : operand.asLong();
        return new TxnCompare(item.get("key").asString(), target, operator, value);
    }

    private static List<TxnOp> ops(JsonNode body, String branch) {
        List<TxnOp> ops = new ArrayList<>();
        int i = 0;
        for (JsonNode item : list(body, branch)) {
            String where = branch + "[" + i++ + "]";
            if (!item.isObject() || item.size() != 1) {
                throw new IllegalArgumentException(where + " must be one of {\"put\":{\"key\":value,...}}, "
                        + "{\"delete\":\"key\"} or {\"get\":\"key\"}");
            }
            Map.Entry<String, JsonNode> op = item.properties().iterator().next();
            switch (op.getKey()) {
                case "put" -> {
                    if (!op.getValue().isObject() || op.getValue().isEmpty()) {
                        throw new IllegalArgumentException(where + ": put takes a non-empty JSON object of keys to "
                                + "values, e.g. {\"put\":{\"a\":2}}");
                    }
                    op.getValue().properties().forEach(put -> ops.add(TxnOp.put(put.getKey(),
                            put.getValue().isNull() ? null : put.getValue())));
                }
                case "delete" -> ops.add(TxnOp.delete(keyOf(op.getValue(), where)));
                case "get" -> ops.add(TxnOp.get(keyOf(op.getValue(), where)));
                default -> throw new IllegalArgumentException(where + " has an unknown operation '" + op.getKey()
                        + "': use put, delete or get");
            }
        }
        return ops;
    }

    private static String keyOf(JsonNode key, String where) {
        if (!key.isString()) {
            throw new IllegalArgumentException(where + ": name the key as a string, e.g. {\"delete\":\"c\"}");
        }
        return key.asString();
    }

    private static ObjectNode result(TxnResult result) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("succeeded", result.succeeded())
            .put("index", result.index());
        var results = json.putArray("results");
        for (TxnResult.OpResult op : result.results()) {
            ObjectNode item = results.addObject().put(op.type().name().toLowerCase(), op.key());
            switch (op.type()) {
                case PUT -> item.put("changed", op.changed()).put("modRevision", op.entry().modRevision())
                    .put("version", op.entry().version());
                case DELETE -> item.put("changed", op.changed());
                case GET -> item.setAll(StoreJson.entry(op.entry()));
            }
        }
        return json;
    }
}
