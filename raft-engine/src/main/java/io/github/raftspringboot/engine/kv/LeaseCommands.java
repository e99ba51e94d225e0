package io.github.raftspringboot.engine.kv;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.RaftLeases;

/**
 * The lease commands of the store's log, and how they apply to a {@link LeaseTable}. A lease's id is the index of
 * the entry that granted it unless the client chose one.
 * <pre>
 * {"op":"lease_grant","ttl":10000}                 (milliseconds; the id is the entry's index, or the next free)
 * {"op":"lease_grant","ttl":10000,"id":7}          (an id the client chose: refused if in use)
 * {"op":"lease_keepalive","id":42}
 * {"op":"lease_revoke","id":42}
 * {"op":"lease_expire","id":42,"refresh":57}       (the leader's decision; stale if a keep-alive came after 57)
 * {"op":"put","key":"a","value":1,"lease":42}      (attaches the key; also on cas)
 * </pre>
 */
final class LeaseCommands {

    static final String PREFIX = "lease_";

    private LeaseCommands() {
    }

    static boolean isLeaseOp(String op) {
        return op.startsWith(PREFIX);
    }

    /** {@code id} 0: the log chooses. */
    static ObjectNode grant(long id, long ttlMillis) {
        ObjectNode command = StoreCommands.NODES.objectNode().put("op", "lease_grant").put("ttl", ttlMillis);
        return (id == 0) ? command : command.put("id", id);
    }

    static ObjectNode keepAlive(long id) {
        return StoreCommands.NODES.objectNode().put("op", "lease_keepalive").put("id", id);
    }

    static ObjectNode revoke(long id) {
        return StoreCommands.NODES.objectNode().put("op", "lease_revoke").put("id", id);
    }

    static ObjectNode expire(long id, long refreshIndex) {
        return StoreCommands.NODES.objectNode().put("op", "lease_expire").put("id", id).put("refresh", refreshIndex);
    }

    /** Throws with a precise message when a lease command, or the "lease" field of a write, is malformed. */
    static void check(JsonNode node) {
        String op = node.get("op").asString();
        switch (op) {
            case "lease_grant" -> {
                checkTtl(node.get("ttl"));
                if (node.has("id")) {
                    checkId(node.get("id"), "\"id\"");
                }
            }
            case "lease_keepalive", "lease_revoke" -> checkId(node.get("id"), "\"id\"");
            case "lease_expire" -> {
                checkId(node.get("id"), "\"id\"");
                checkId(node.get("refresh"), "\"refresh\"");
            }
            default -> throw new IllegalArgumentException("unknown op \"" + op
                    + "\"; the lease ops are lease_grant, lease_keepalive, lease_revoke and lease_expire");
        }
    }

    /** Checks the optional "lease" field of a put or cas. */
    static void checkLeaseField(JsonNode node) {
        if (node.has("lease")) {
            checkId(node.get("lease"), "\"lease\"");
        }
    }

    /** The lease a put or cas attaches its key to, or 0 for none. */
    static long leaseOf(JsonNode node) {
        return node.path("lease").asLong(0);
    }

    static void checkTtl(JsonNode ttl) {
        long min = RaftLeases.MIN_TTL.toMillis();
        long max = RaftLeases.MAX_TTL.toMillis();
        if (ttl == null || !ttl.isIntegralNumber() || !ttl.canConvertToLong() || ttl.asLong() < min
                || ttl.asLong() > max) {
            throw new IllegalArgumentException("\"ttl\" must be a whole number of milliseconds from " + min + " to "
                    + max + " (1 s to 24 h), not " + ttl);
        }
    }

    private static void checkId(JsonNode id, String name) {
        if (id == null || !id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() <= 0) {
            throw new IllegalArgumentException(name + " must be a lease id (a positive whole number), not " + id);
        }
    }

    /**
     * Applies a checked lease command at {@code index}; {@code deleteKeys} removes the keys of a lease that ends.
     * The result is {@code {"lease":{...}}} for a grant or keep-alive, {@code {"changed":bool}} otherwise, or
     * {@code {"error":...,"leaseNotFound":id}} for a keep-alive of a lease that does not exist.
     */
    static ObjectNode apply(LeaseTable leases, long index, JsonNode node, Consumer<Collection<String>> deleteKeys) {
        ObjectNode result = StoreCommands.NODES.objectNode();
        long id = node.path("id").asLong();
        switch (node.get("op").asString()) {
            case "lease_grant" -> {
                long chosen = node.path("id").asLong(0);
                if (chosen != 0 && leases.exists(chosen)) {
                    result.put("error", "lease " + chosen + " already exists: choose another id, or none")
                        .put("leaseExists", chosen);
                }
                else {
                    long granted = (chosen != 0) ? chosen : leases.nextFreeId(index);
                    leases.grant(granted, index, node.get("ttl").asLong());
                    result.set("lease", describe(leases, granted));
                }
            }
            case "lease_keepalive" -> {
                if (leases.keepAlive(index, id)) {
                    result.set("lease", describe(leases, id));
                }
                else {
                    notFound(result, id);
                }
            }
            case "lease_revoke" -> result.put("changed", ended(leases.remove(id), deleteKeys));
            case "lease_expire" -> result.put("changed", ended(leases.expire(id, node.get("refresh").asLong()),
                    deleteKeys));
            default -> throw new IllegalStateException("unreachable: " + node);
        }
        return result;
    }

    static ObjectNode notFound(ObjectNode result, long id) {
        return result.put("error", "lease " + id + " does not exist (expired, revoked or never granted)")
            .put("leaseNotFound", id);
    }

    private static boolean ended(List<String> keys, Consumer<Collection<String>> deleteKeys) {
        if (keys == null) {
            return false;
        }
        deleteKeys.accept(keys);
        return true;
    }

    /** {@code {"id":..,"ttl":ms,"remaining":ms,"keys":[...]}}, or a missing node when the lease does not exist. */
    static JsonNode describe(LeaseTable leases, long id) {
        LeaseTable.Entry lease = leases.lease(id);
        if (lease == null) {
            return StoreCommands.NODES.missingNode();
        }
        ObjectNode json = StoreCommands.NODES.objectNode().put("id", id).put("ttl", lease.ttlMillis())
            .put("remaining", leases.remainingMillis(id));
        ArrayNode keys = json.putArray("keys");
        lease.keys().forEach(keys::add);
        return json;
    }

    /** Answers the lease queries: {@code lease} (one, by id), {@code leases} (all), {@code lease_of} (a key's). */
    static JsonNode query(LeaseTable leases, String kind, String argument) {
        return switch (kind) {
            case "lease" -> describe(leases, Long.parseLong(argument));
            case "leases" -> {
                ArrayNode all = StoreCommands.NODES.arrayNode();
                leases.all().forEach(lease -> all.add(describe(leases, lease.id())));
                yield all;
            }
            case "lease_of" -> {
                LeaseTable.Attachment attachment = leases.attachment(argument);
                yield (attachment == null) ? StoreCommands.NODES.missingNode()
                        : StoreCommands.NODES.objectNode().put("lease", attachment.leaseId())
                            .put("index", attachment.index());
            }
            default -> throw new IllegalArgumentException("unknown lease query " + kind);
        };
    }
}
