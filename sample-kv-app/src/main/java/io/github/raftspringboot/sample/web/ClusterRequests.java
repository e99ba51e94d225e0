package io.github.raftspringboot.sample.web;

import java.util.List;

import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.sample.web.ClusterController.JoinRequest;
import io.github.raftspringboot.sample.web.ClusterController.RemoveRequest;

/**
 * Reads the cluster endpoints' bodies strictly: a misspelt field ({@code "votr": false}) is refused, since ignoring
 * it would change what the cluster does (a voter added). Misspelt query parameters are {@link KnownQueryParameters}'
 * to refuse.
 */
final class ClusterRequests {

    private static final String JOIN_EXAMPLE = "{\"id\":\"node4\",\"addr\":\"10.0.0.4:12000\"}";

    private static final String REMOVE_EXAMPLE = "{\"id\":\"node3\"}";

    private ClusterRequests() {
    }

    static JoinRequest join(JsonNode body) {
        checkFields(body, List.of("id", "addr", "voter", "replace", "force"), JOIN_EXAMPLE);
        return new JoinRequest(string(body, "id", JOIN_EXAMPLE), string(body, "addr", JOIN_EXAMPLE),
                bool(body, "voter"), bool(body, "replace"), bool(body, "force"));
    }

    static RemoveRequest remove(JsonNode body) {
        checkFields(body, List.of("id", "force"), REMOVE_EXAMPLE);
        return new RemoveRequest(string(body, "id", REMOVE_EXAMPLE), bool(body, "force"));
    }

    private static void checkFields(JsonNode body, List<String> known, String example) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("The request body must be a JSON object such as " + example);
        }
        body.propertyNames().stream().filter(name -> !known.contains(name)).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("Unknown field '" + name + "': the body takes "
                    + String.join(", ", known) + ", e.g. " + example);
        });
    }

    private static String string(JsonNode body, String field, String example) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new IllegalArgumentException("The field '" + field + "' must be a string, not " + value
                    + ": send e.g. " + example);
        }
        return value.asString();
    }

    private static Boolean bool(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("The field '" + field + "' must be true or false, not " + value);
        }
        return value.asBoolean();
    }
}
