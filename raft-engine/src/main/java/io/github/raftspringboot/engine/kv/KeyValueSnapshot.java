package io.github.raftspringboot.engine.kv;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
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
 * and version 1, and it has no history (a watch can start from the first write after it). A snapshot that starts
 * with {@code RAFTKV/3} is the binary format of the same records ({@link BinaryKeyValueSnapshot}), which nodes write
 * by default; every format is read whichever one the node writes.
 */
final class KeyValueSnapshot {

    static final String FORMAT = "raft-kv/2";

    /** A restored state: the entries, the change history and the leases section ({@code null}: no leases). */
    record State(ConcurrentSkipListMap<String, KeyRecord> entries, ChangeHistory history, JsonNode leases) {
    }

    private KeyValueSnapshot() {
    }

    /** Writes a snapshot in {@code format}: {@link StoreSnapshotFormat#BINARY} is {@link BinaryKeyValueSnapshot}. */
    static void write(OutputStream out, StoreSnapshotFormat format, JsonMapper mapper, Map<String, KeyRecord> entries,
            JsonNode history, JsonNode leases) throws IOException {
        if (format == StoreSnapshotFormat.BINARY) {
            BinaryKeyValueSnapshot.write(out, mapper, entries, history, leases);
            return;
        }
        try (JsonGenerator generator = mapper.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringProperty("format", FORMAT);
            generator.writeName("entries");
            generator.writeStartObject();
            for (Map.Entry<String, KeyRecord> entry : entries.entrySet()) {
                generator.writeName(entry.getKey());
                writeRecord(generator, entry.getValue());
            }
            generator.writeEndObject();
            generator.writeName("history");
            mapper.writeTree(generator, history);
            generator.writeName("leases");
            mapper.writeTree(generator, leases);
            generator.writeEndObject();
        }
    }

    /** {@link KeyRecord#toJson}'s form, written straight to the generator (no tree per record). */
    private static void writeRecord(JsonGenerator generator, KeyRecord record) {
        generator.writeStartObject();
        generator.writeName("value");
        if (record.value().isString()) {
            generator.writeString(record.value().asString());
        }
        else {
            // Not mapper.writeTree: it flushes the generator after each value, one write (and one chunk) per record.
            generator.writeTree(record.value());
        }
        generator.writeNumberProperty("createRevision", record.createRevision());
        generator.writeNumberProperty("modRevision", record.modRevision());
        generator.writeNumberProperty("version", record.version());
        generator.writeNumberProperty("lease", record.lease());
        generator.writeEndObject();
    }

    /**
     * Reads a snapshot into a new state. {@code current} is the state it will replace, read-only here: a key whose
     * record is the same in both gets the current record (and key) object in the new state, so that a restore over a
     * similar state (a follower installing the leader's snapshot, a backup of this cluster restored into it) holds
     * only one copy of what did not change while both states are live. Records are immutable, so sharing them is
     * safe; the current state is not changed, so a snapshot that cannot be read changes nothing.
     */
    static State read(InputStream in, JsonMapper mapper, ChangeHistory.Bounds maxHistory,
            NavigableMap<String, KeyRecord> current) throws IOException {
        PushbackInputStream peeked = new PushbackInputStream(in, 1);
        int first = peeked.read();
        if (first == BinaryKeyValueSnapshot.MAGIC[0]) {
            byte[] magic = peeked.readNBytes(BinaryKeyValueSnapshot.MAGIC.length - 1);
            if (!Arrays.equals(magic, 0, magic.length, BinaryKeyValueSnapshot.MAGIC, 1,
                    BinaryKeyValueSnapshot.MAGIC.length)) {
                throw new IOException("The store snapshot starts with neither '{' (JSON) nor RAFTKV/3 (binary): it is "
                        + "not a store snapshot, or one written by a newer version");
            }
            // Closed once read, as the JSON parser closes its source: a caller may release the bytes then.
            try (InputStream source = peeked) {
                return BinaryKeyValueSnapshot.read(source, mapper, maxHistory, current);
            }
            catch (IllegalArgumentException ex) {
                throw new IOException("The state is not a valid store snapshot: " + ex.getMessage(), ex);
            }
        }
        if (first >= 0) {
            peeked.unread(first);
        }
        return readJson(peeked, mapper, maxHistory, current);
    }

    private static State readJson(InputStream in, JsonMapper mapper, ChangeHistory.Bounds maxHistory,
            NavigableMap<String, KeyRecord> current) throws IOException {
        ConcurrentSkipListMap<String, KeyRecord> entries = new ConcurrentSkipListMap<>();
        try (JsonParser parser = snapshotReader(mapper).createParser(in)) {
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
            Set<String> sections = new HashSet<>();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String section = parser.currentName();
                if (!sections.add(section)) {
                    throw new IOException("The store snapshot has the section '" + section + "' twice");
                }
                parser.nextToken();
                switch (section) {
                    case "entries" -> entries = readEntries(parser, new UnchangedRecords(current));
                    case "history" -> history = ChangeHistory.fromJson(parser.readValueAsTree(), maxHistory);
                    case "leases" -> leases = parser.readValueAsTree();
                    default -> throw new IOException("The store snapshot has a section '" + section + "' this version "
                            + "does not know: restore it with the raft-spring-boot version that wrote it, or a newer one");
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IOException("The store snapshot ends before its last section: it is truncated");
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

    /**
     * The store's parser without its duplicate-key check (which builds a set of names for every object: 350 MB of
     * garbage while reading 1 M records): the entries section checks its keys and fields itself, and the trees it
     * still reads (values that are objects or arrays, the history and leases sections) refuse duplicate keys too.
     */
    private static ObjectReader snapshotReader(JsonMapper mapper) {
        return mapper.reader()
            .without(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }

    /** The entries section, token by token: no tree is built for a record, nor for a string or boolean value. */
    private static ConcurrentSkipListMap<String, KeyRecord> readEntries(JsonParser parser, UnchangedRecords entries)
            throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("The snapshot's entries section must be a JSON object");
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            entries.put(key, readRecord(parser, key));
        }
        return entries.toMap();
    }

    /** {@link KeyRecord#fromJson}'s rules, read from the tokens of {@code {"value":..,"createRevision":..,..}}. */
    private static KeyRecord readRecord(JsonParser parser, String key) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw invalidRecord(key);
        }
        JsonNode value = null;
        long createRevision = 0;
        long modRevision = 0;
        long version = 0;
        long lease = 0;
        int seen = 0;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            int bit = switch (field) {
                case "value" -> {
                    value = readValue(parser, token);
                    yield 1;
                }
                case "createRevision" -> {
                    createRevision = integral(parser, token, key);
                    yield 2;
                }
                case "modRevision" -> {
                    modRevision = integral(parser, token, key);
                    yield 4;
                }
                case "version" -> {
                    version = integral(parser, token, key);
                    yield 8;
                }
                case "lease" -> {
                    if (token == JsonToken.VALUE_NUMBER_INT) {
                        lease = parser.getLongValue();
                    }
                    else {
                        parser.skipChildren();
                    }
                    yield 16;
                }
                default -> {
                    parser.skipChildren();
                    yield 0;
                }
            };
            if ((seen & bit) != 0) {
                throw new IllegalArgumentException("the record of key '" + key + "' has \"" + field + "\" twice");
            }
            seen |= bit;
        }
        if (value == null || value.isNull() || (seen & 15) != 15) {
            throw invalidRecord(key);
        }
        return new KeyRecord(value, createRevision, modRevision, version, lease);
    }

    /** A value as the mapper would read it; strings and booleans (no mapper setting changes them) without a tree. */
    private static JsonNode readValue(JsonParser parser, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> StoreCommands.NODES.stringNode(parser.getString());
            case VALUE_TRUE -> StoreCommands.NODES.booleanNode(true);
            case VALUE_FALSE -> StoreCommands.NODES.booleanNode(false);
            case VALUE_NULL -> null;
            default -> parser.readValueAsTree();
        };
    }

    private static long integral(JsonParser parser, JsonToken token, String key) {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw invalidRecord(key);
        }
        return parser.getLongValue();
    }

    private static IllegalArgumentException invalidRecord(String key) {
        return new IllegalArgumentException("the record of key '" + key + "' needs a non-null value, createRevision, "
                + "modRevision and version");
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
            if (entries.put(key, new KeyRecord(value, 0, 0, 1, 0)) != null) {
                throw new IOException("The state holds the key '" + key + "' twice");
            }
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
