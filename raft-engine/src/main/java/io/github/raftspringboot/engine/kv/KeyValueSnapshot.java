package io.github.raftspringboot.engine.kv;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store's snapshot (and so backup) format: a JSON object with a {@code format} marker and named sections, so
 * that a later section can be added beside these:
 * <pre>
 * {"format":"raft-kv/2",
 *  "entries":{"a":{"value":1,"createRevision":5,"modRevision":7,"version":2,"lease":0}},
 *  "history":{"compactedRevision":0,"events":[{"type":"PUT","key":"a","revision":7,"value":1,"prevValue":0}]},
 *  "leases":[{"id":3,"ttl":10000,"refresh":3,"keys":{"a":7}}]}
 * </pre>
 * A snapshot without the marker is the first format, a plain object of keys to values: its keys get revision 0
 * and version 1, and it has no history (a watch can start from the first write after it).
 */
final class KeyValueSnapshot {

    static final String FORMAT = "raft-kv/2";

    /** A restored state: the entries, the change history and the leases section ({@code null}: no leases). */
    record State(ConcurrentSkipListMap<String, KeyRecord> entries, ChangeHistory history, JsonNode leases) {
    }

    private KeyValueSnapshot() {
    }

    static void write(OutputStream out, JsonMapper mapper, Map<String, KeyRecord> entries, JsonNode history,
            JsonNode leases) throws IOException {
        try (JsonGenerator generator = mapper.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringProperty("format", FORMAT);
            generator.writeName("entries");
            generator.writeStartObject();
            for (Map.Entry<String, KeyRecord> entry : entries.entrySet()) {
                generator.writeName(entry.getKey());
                mapper.writeTree(generator, entry.getValue().toJson());
            }
            generator.writeEndObject();
            generator.writeName("history");
            mapper.writeTree(generator, history);
            generator.writeName("leases");
            mapper.writeTree(generator, leases);
            generator.writeEndObject();
        }
    }

    static State read(InputStream in, JsonMapper mapper, ChangeHistory.Bounds maxHistory) throws IOException {
        ConcurrentSkipListMap<String, KeyRecord> entries = new ConcurrentSkipListMap<>();
        try (JsonParser parser = mapper.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("A store snapshot must be a JSON object");
            }
            if (parser.nextToken() != JsonToken.PROPERTY_NAME) {
                return new State(entries, new ChangeHistory(maxHistory), null);
            }
            String first = parser.currentName();
            parser.nextToken();
            JsonNode firstValue = parser.readValueAsTree();
            if (!"format".equals(first) || !firstValue.isString() || !FORMAT.equals(firstValue.asString())) {
                return readLegacy(parser, first, firstValue, entries, maxHistory);
            }
            ChangeHistory history = ChangeHistory.unknownPast(maxHistory);
            JsonNode leases = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String section = parser.currentName();
                parser.nextToken();
                switch (section) {
                    case "entries" -> readEntries(parser, entries);
                    case "history" -> history = ChangeHistory.fromJson(parser.readValueAsTree(), maxHistory);
                    case "leases" -> leases = parser.readValueAsTree();
                    default -> throw new IOException("The store snapshot has a section '" + section + "' this version "
                            + "does not know: restore it with the raft-spring-boot version that wrote it, or a newer one");
                }
            }
            return new State(entries, history, leases);
        }
        catch (JacksonException ex) {
            throw new IOException("The state is not valid store JSON: " + ex.getOriginalMessage(), ex);
        }
        catch (IllegalArgumentException ex) {
            throw new IOException("The state is not a valid store snapshot: " + ex.getMessage(), ex);
        }
    }

    private static void readEntries(JsonParser parser, Map<String, KeyRecord> entries) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("The snapshot's entries section must be a JSON object");
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            entries.put(key, KeyRecord.fromJson(key, parser.readValueAsTree()));
        }
    }

    private static State readLegacy(JsonParser parser, String firstKey, JsonNode firstValue,
            Map<String, KeyRecord> entries, ChangeHistory.Bounds maxHistory) throws IOException {
        String key = firstKey;
        JsonNode value = firstValue;
        while (true) {
            if (value.isNull()) {
                // Refused like every other write of a null: a backup or snapshot holding one changes nothing.
                throw new IOException("The state holds null for key '" + key + "': the store does not hold null "
                        + "values (a missing key reads as empty)");
            }
            entries.put(key, new KeyRecord(value, 0, 0, 1, 0));
            if (parser.nextToken() != JsonToken.PROPERTY_NAME) {
                break;
            }
            key = parser.currentName();
            parser.nextToken();
            value = parser.readValueAsTree();
        }
        return new State((ConcurrentSkipListMap<String, KeyRecord>) entries, ChangeHistory.unknownPast(maxHistory),
                null);
    }
}
