package io.github.raftspringboot.sample.web;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.Lease;
import io.github.raftspringboot.api.RaftLeases;

/** Reads the lease endpoints' input (TTLs, lease ids) with messages that say what to send, and writes leases. */
final class LeaseRequests {

    private static final List<String> FIELDS = List.of("ttl", "id");

    private LeaseRequests() {
    }

    /**
     * The TTL of a request body: {@code {"ttl":"10s"}} ({@code ms}, {@code s}, {@code m}, {@code h}) or a number of
     * seconds; {@code fallback} when the body or its {@code ttl} is absent ({@code null}: required).
     */
    static Duration ttl(JsonNode body, Duration fallback) {
        if (body != null && !body.isObject()) {
            throw new IllegalArgumentException("The request body must be a JSON object such as {\"ttl\":\"10s\"}");
        }
        if (body != null) {
            body.propertyNames().stream().filter(name -> !FIELDS.contains(name)).findFirst().ifPresent(name -> {
                throw new IllegalArgumentException("Unknown field '" + name + "': the body takes ttl (e.g. \"10s\") "
                        + "and, for a new lease, an optional id");
            });
        }
        JsonNode ttl = (body != null) ? body.get("ttl") : null;
        if (ttl == null || ttl.isNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException("The lease needs a TTL: send {\"ttl\":\"10s\"}");
            }
            return fallback;
        }
        Duration duration;
        if (ttl.isNumber()) {
            BigDecimal millis = ttl.decimalValue().multiply(BigDecimal.valueOf(1000));
            // longValue() keeps the low 64 bits: 18446744073709561.616 s would become a 10 s lease.
            if (millis.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("The TTL " + ttl + " is out of range: use 1s to 24h");
            }
            duration = Duration.ofMillis(millis.longValue());
        }
        else if (ttl.isString()) {
            try {
                duration = DurationStyle.SIMPLE.parse(ttl.asString());
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("'" + ttl.asString() + "' is not a TTL: write it like \"10s\", "
                        + "\"1500ms\", \"5m\" or \"1h\"");
            }
        }
        else {
            throw new IllegalArgumentException("\"ttl\" must be a duration such as \"10s\" or a number of seconds");
        }
        if (duration.compareTo(RaftLeases.MIN_TTL) < 0 || duration.compareTo(RaftLeases.MAX_TTL) > 0) {
            throw new IllegalArgumentException("The TTL " + ttl + " is out of range: use 1s to 24h");
        }
        return duration;
    }

    /** The id a client chose in {@code {"id":7}}, or 0. */
    static long chosenId(JsonNode body) {
        JsonNode id = (body != null) ? body.get("id") : null;
        if (id == null || id.isNull()) {
            return 0;
        }
        if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() <= 0) {
            throw new IllegalArgumentException("\"id\" must be a positive whole number (or left out), not " + id);
        }
        return id.asLong();
    }

    /** A lease id from a URL ({@code /lease/{id}}, {@code ?lease=}). */
    static long id(String text, String where) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        }
        catch (NumberFormatException ex) {
            // Answered below, with what a lease id looks like.
        }
        throw new IllegalArgumentException(where + " must be a lease id, the positive number POST /lease returned, "
                + "not '" + text + "'");
    }

    /** {@code {"id":7,"ttl":10,"remaining":9.5,"keys":["a"]}}, times in seconds. */
    static ObjectNode json(Lease lease) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("id", lease.id());
        json.set("ttl", seconds(lease.ttl()));
        json.set("remaining", seconds(lease.remaining()));
        ArrayNode keys = json.putArray("keys");
        lease.keys().forEach(keys::add);
        return json;
    }

    /** Whole seconds as an integer, otherwise seconds with milliseconds: 10, 1.5. */
    static JsonNode seconds(Duration duration) {
        long millis = duration.toMillis();
        return (millis % 1000 == 0) ? JsonNodeFactory.instance.numberNode(millis / 1000)
                : JsonNodeFactory.instance.numberNode(BigDecimal.valueOf(millis, 3));
    }
}
