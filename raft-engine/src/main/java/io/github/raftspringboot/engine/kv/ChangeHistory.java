package io.github.raftspringboot.engine.kv;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.WatchEvent;

/**
 * The most recent changes of the store, at most {@code maxEvents} of them (a revision is kept or dropped whole), so
 * that a watch can start from a past revision. Everything above {@link #compactedRevision} is here. Not thread-safe:
 * {@link WatchHub} guards it.
 */
final class ChangeHistory {

    /** The compacted revision of a history restored from a snapshot that had none: known at the next write. */
    private static final long UNKNOWN = -1;

    private final int maxEvents;

    private final ArrayDeque<WatchEvent> events = new ArrayDeque<>();

    private long compactedRevision;

    ChangeHistory(int maxEvents) {
        this(maxEvents, 0);
    }

    private ChangeHistory(int maxEvents, long compactedRevision) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("The watch history must keep at least 1 event, not " + maxEvents);
        }
        this.maxEvents = maxEvents;
        this.compactedRevision = compactedRevision;
    }

    /** A history with nothing known before the next write (a state restored from a snapshot without history). */
    static ChangeHistory unknownPast(int maxEvents) {
        return new ChangeHistory(maxEvents, UNKNOWN);
    }

    /** Adds the changes of one write (all of one revision), dropping the oldest revisions beyond the bound. */
    void append(List<WatchEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (compactedRevision == UNKNOWN) {
            compactedRevision = batch.get(0).revision() - 1;
        }
        events.addAll(batch);
        while (events.size() > maxEvents && events.peekFirst().revision() < batch.get(0).revision()) {
            long dropped = events.peekFirst().revision();
            while (!events.isEmpty() && events.peekFirst().revision() == dropped) {
                events.removeFirst();
            }
            compactedRevision = dropped;
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

    static ChangeHistory fromJson(JsonNode json, int maxEvents) {
        if (!json.isObject() || !json.path("compactedRevision").isIntegralNumber() || !json.path("events").isArray()) {
            throw new IllegalArgumentException("the history section needs compactedRevision and events");
        }
        ChangeHistory history = new ChangeHistory(maxEvents, json.get("compactedRevision").asLong());
        List<WatchEvent> restored = new ArrayList<>();
        for (JsonNode item : json.get("events")) {
            restored.add(new WatchEvent(WatchEvent.Type.valueOf(item.path("type").asString()),
                    item.path("key").asString(), item.get("value"), item.path("revision").asLong(),
                    item.get("prevValue")));
        }
        // A smaller bound than the writer's drops the oldest revisions now rather than at the next write.
        long compacted = history.compactedRevision;
        history.events.addAll(restored);
        while (history.events.size() > maxEvents) {
            long dropped = history.events.peekFirst().revision();
            while (!history.events.isEmpty() && history.events.peekFirst().revision() == dropped) {
                history.events.removeFirst();
            }
            compacted = dropped;
        }
        history.compactedRevision = compacted;
        return history;
    }
}
