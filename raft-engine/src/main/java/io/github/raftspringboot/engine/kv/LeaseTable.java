package io.github.raftspringboot.engine.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.LongSupplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The leases of the key-value store. The replicated part (each lease's TTL, the index of its last grant or keep-alive,
 * its keys) changes only on the apply thread, deterministically. The deadlines are local: each node restarts a lease's
 * clock when it applies its grant or keep-alive, and {@link #restartAllClocks} restarts every clock when the node
 * becomes leader. Only the leader acts on them ({@link LeaseExpiry}), so a follower's clock never expires anything.
 */
final class LeaseTable {

    /** A lease's replicated state; {@code keys} changes with attaches and detaches. */
    record Entry(long id, long ttlMillis, long refreshIndex, NavigableSet<String> keys) {
    }

    /** A key's lease and the index of the write that attached it. */
    record Attachment(long leaseId, long index) {
    }

    /** When a lease expires on this node's clock, for the keep-alive at {@code refreshIndex}. */
    record Deadline(long refreshIndex, long atNanos) {
    }

    private final LongSupplier nanoClock;

    private volatile ConcurrentSkipListMap<Long, Entry> leases = new ConcurrentSkipListMap<>();

    private volatile ConcurrentHashMap<String, Attachment> attachments = new ConcurrentHashMap<>();

    private final Map<Long, Deadline> deadlines = new ConcurrentHashMap<>();

    LeaseTable(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    boolean isEmpty() {
        return leases.isEmpty();
    }

    boolean exists(long id) {
        return leases.containsKey(id);
    }

    Entry lease(long id) {
        return leases.get(id);
    }

    List<Entry> all() {
        return new ArrayList<>(leases.values());
    }

    Attachment attachment(String key) {
        return attachments.get(key);
    }

    /** The lowest id from {@code from} on that no lease has (ids a client chose may be in the way). */
    long nextFreeId(long from) {
        long id = from;
        while (leases.containsKey(id)) {
            id++;
        }
        return id;
    }

    /** Grants lease {@code id} at {@code index}, which is its first refresh index. */
    void grant(long id, long index, long ttlMillis) {
        leases.put(id, new Entry(id, ttlMillis, index, new ConcurrentSkipListSet<>()));
        restartClock(id, index, ttlMillis);
    }

    /** @return whether the lease exists */
    boolean keepAlive(long index, long id) {
        Entry lease = leases.get(id);
        if (lease == null) {
            return false;
        }
        leases.put(id, new Entry(id, lease.ttlMillis(), index, lease.keys()));
        restartClock(id, index, lease.ttlMillis());
        return true;
    }

    /** Removes the lease; returns its keys (to delete), or {@code null} if it did not exist. */
    List<String> remove(long id) {
        Entry lease = leases.remove(id);
        deadlines.remove(id);
        if (lease == null) {
            return null;
        }
        List<String> keys = new ArrayList<>(lease.keys());
        keys.forEach(attachments::remove);
        return keys;
    }

    /**
     * Removes the lease if the leader's decision still holds: no keep-alive was applied since the one at
     * {@code refreshIndex}. Returns its keys (to delete), or {@code null} when the expiry is stale.
     */
    List<String> expire(long id, long refreshIndex) {
        Entry lease = leases.get(id);
        if (lease == null || lease.refreshIndex() != refreshIndex) {
            return null;
        }
        return remove(id);
    }

    /** Attaches {@code key} to lease {@code leaseId} (which exists), or detaches it when {@code leaseId} is 0. */
    void attach(String key, long leaseId, long index) {
        detach(key);
        if (leaseId != 0) {
            leases.get(leaseId).keys().add(key);
            attachments.put(key, new Attachment(leaseId, index));
        }
    }

    void detach(String key) {
        Attachment previous = attachments.remove(key);
        if (previous != null) {
            Entry lease = leases.get(previous.leaseId());
            if (lease != null) {
                lease.keys().remove(key);
            }
        }
    }

    /** Gives every lease its whole TTL from now: called when this node becomes leader, before it expires any. */
    void restartAllClocks() {
        leases.values().forEach(lease -> restartClock(lease.id(), lease.refreshIndex(), lease.ttlMillis()));
    }

    /** The deadlines passed on this node's clock. */
    List<Map.Entry<Long, Deadline>> expired() {
        long now = nanoClock.getAsLong();
        List<Map.Entry<Long, Deadline>> expired = new ArrayList<>();
        deadlines.entrySet().stream().filter(entry -> now - entry.getValue().atNanos() >= 0).forEach(expired::add);
        return expired;
    }

    /** The time left on this node's clock, in milliseconds (0 once passed). */
    long remainingMillis(long id) {
        Deadline deadline = deadlines.get(id);
        if (deadline == null) {
            return 0;
        }
        return Math.max(0, (deadline.atNanos() - nanoClock.getAsLong()) / 1_000_000);
    }

    private void restartClock(long id, long refreshIndex, long ttlMillis) {
        deadlines.put(id, new Deadline(refreshIndex, nanoClock.getAsLong() + ttlMillis * 1_000_000));
    }

    /** The snapshot section: {@code [{"id":..,"ttl":ms,"refresh":..,"keys":{"key":attachIndex}}]}. */
    ArrayNode toJson() {
        ArrayNode section = StoreCommands.NODES.arrayNode();
        for (Entry lease : leases.values()) {
            ObjectNode keys = StoreCommands.NODES.objectNode();
            lease.keys().forEach(key -> keys.put(key, attachments.get(key).index()));
            section.addObject().put("id", lease.id()).put("ttl", lease.ttlMillis())
                .put("refresh", lease.refreshIndex()).set("keys", keys);
        }
        return section;
    }

    /** Replaces the state with a snapshot section ({@code null}: no leases); every clock starts again. */
    void restore(JsonNode section) {
        ConcurrentSkipListMap<Long, Entry> restored = new ConcurrentSkipListMap<>();
        ConcurrentHashMap<String, Attachment> restoredAttachments = new ConcurrentHashMap<>();
        if (section != null) {
            if (!section.isArray()) {
                throw new IllegalArgumentException("the \"leases\" section must be an array");
            }
            for (JsonNode lease : section) {
                long id = lease.required("id").asLong();
                Entry entry = new Entry(id, lease.required("ttl").asLong(), lease.required("refresh").asLong(),
                        new ConcurrentSkipListSet<>());
                lease.path("keys").properties().forEach(key -> {
                    entry.keys().add(key.getKey());
                    restoredAttachments.put(key.getKey(), new Attachment(id, key.getValue().asLong()));
                });
                restored.put(id, entry);
            }
        }
        leases = restored;
        attachments = restoredAttachments;
        deadlines.clear();
        restartAllClocks();
    }
}
