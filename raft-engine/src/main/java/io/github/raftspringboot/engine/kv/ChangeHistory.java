package io.github.raftspringboot.engine.kv;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.WatchEvent;

/**
 * The most recent changes of the store, at most {@code maxEvents} of them and about {@code maxBytes} of heap
 * ({@link JsonHeapWeight}; a revision is kept or dropped whole), so that a watch can start from a past revision.
 * Everything above {@link #compactedRevision} is here. Not thread-safe: {@link WatchHub} guards it.
 */
final class ChangeHistory {

    /** The compacted revision of a history restored from a snapshot that had none: known at the next write. */
    private static final long UNKNOWN = -1;

    private final Bounds bounds;

    private final ArrayDeque<WatchEvent> events = new ArrayDeque<>();

    /** {revision, bytes} per revision kept, oldest first: what each revision weighs against {@link Bounds#bytes}. */
    private final ArrayDeque<long[]> weights = new ArrayDeque<>();

    private long bytes;

    private long compactedRevision;

    /** How much history to keep: at most {@code events} changes and about {@code bytes} of heap for them. */
    record Bounds(int events, long bytes) {

        Bounds {
            if (events < 1 || bytes < 1) {
                throw new IllegalArgumentException("The watch history must keep at least 1 event and 1 byte (raft."
                        + "limits.watch-history, raft.limits.watch-history-size), not " + events + " and " + bytes);
            }
        }
    }

    ChangeHistory(Bounds bounds) {
        this(bounds, 0);
    }

    private ChangeHistory(Bounds bounds, long compactedRevision) {
        this.bounds = bounds;
        this.compactedRevision = compactedRevision;
    }

    /** A history with nothing known before the next write (a state restored from a snapshot without history). */
    static ChangeHistory unknownPast(Bounds bounds) {
        return new ChangeHistory(bounds, UNKNOWN);
    }

    /**
     * Adds the changes of one write (all of one revision), weighing {@code weight} bytes, and drops the oldest
     * revisions beyond the bounds (never the one just added).
     */
    void append(List<WatchEvent> batch, long weight) {
        if (batch.isEmpty()) {
            return;
        }
        if (compactedRevision == UNKNOWN) {
            compactedRevision = batch.get(0).revision() - 1;
        }
        events.addAll(batch);
        weights.addLast(new long[] { batch.get(0).revision(), weight });
        bytes += weight;
        trim();
    }

    private void trim() {
        while ((events.size() > bounds.events() || bytes > bounds.bytes()) && weights.size() > 1) {
            long[] oldest = weights.removeFirst();
            bytes -= oldest[1];
            while (!events.isEmpty() && events.peekFirst().revision() == oldest[0]) {
                events.removeFirst();
            }
            compactedRevision = oldest[0];
        }
    }

    /** Whether every change from {@code revision} on is here. */
    boolean covers(long revision) {
        return compactedRevision != UNKNOWN && revision > compactedRevision;
    }

    /** The oldest revision a watch can start from; before the first write after a history-less restore, the next. */
    long oldestRevision() {
        return (compactedRevision == UNKNOWN) ? Long.MAX_VALUE : compactedRevision + 1;
    }

    /** The revision of the last change recorded (the compacted revision when none is kept). */
    long lastRevision() {
        return events.isEmpty() ? compactedRevision : events.peekLast().revision();
    }

    /** The changes of revision {@code revision} and later, in order. */
    List<WatchEvent> since(long revision) {
        List<WatchEvent> result = new ArrayList<>();
        for (WatchEvent event : events) {
            if (event.revision() >= revision) {
                result.add(event);
            }
        }
        return result;
    }

    ObjectNode toJson() {
        ObjectNode json = StoreCommands.NODES.objectNode().put("compactedRevision", compactedRevision);
        ArrayNode list = json.putArray("events");
        for (WatchEvent event : events) {
            ObjectNode item = list.addObject().put("type", event.type().name()).put("key", event.key())
                .put("revision", event.revision());
            if (event.value() != null) {
                item.set("value", event.value());
            }
            if (event.prevValue() != null) {
                item.set("prevValue", event.prevValue());
            }
        }
        return json;
    }

    static ChangeHistory fromJson(JsonNode json, Bounds bounds) {
        if (!json.isObject() || !json.path("compactedRevision").isIntegralNumber() || !json.path("events").isArray()) {
            throw new IllegalArgumentException("the history section needs compactedRevision and events");
        }
        ChangeHistory history = new ChangeHistory(bounds, json.get("compactedRevision").asLong());
        List<WatchEvent> revision = new ArrayList<>();
        long weight = 0;
        for (JsonNode item : json.get("events")) {
            WatchEvent event = new WatchEvent(WatchEvent.Type.valueOf(item.path("type").asString()),
                    item.path("key").asString(), item.get("value"), item.path("revision").asLong(),
                    item.get("prevValue"));
            if (!revision.isEmpty() && revision.get(0).revision() != event.revision()) {
                history.append(revision, weight);
                revision = new ArrayList<>();
                weight = 0;
            }
            revision.add(event);
            weight += JsonHeapWeight.of(event);
        }
        history.append(revision, weight);
        return history;
    }
}
