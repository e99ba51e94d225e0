package io.github.raftspringboot.engine.kv;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store's binary snapshot format, {@code raft-kv/3}: the records of {@code raft-kv/2} without JSON around them,
 * a fifth smaller and read in about half the time (docs/benchmarks.md). Layout, after the magic {@code RAFTKV/3}:
 * <pre>
 * record*   1, key (text), value, createRevision, modRevision, version, lease (varints)
 * end       0
 * history   varint length, the history section's JSON (as in raft-kv/2)
 * leases    varint length, the leases section's JSON (as in raft-kv/2)
 * </pre>
 * A value is a kind byte and its content: text, {@code true}, {@code false}, an integer (a zig-zag varint, read as
 * the store's mapper reads an integer of JSON), or any other value as its JSON (decimals, large integers, objects,
 * arrays). Text is a varint {@code length << 1 | utf16} and UTF-8 bytes (UTF-16 when it holds an unpaired
 * surrogate). So a snapshot reads back to the very values JSON would give; the history and leases sections are
 * bounded and small, and stay JSON.
 */
final class BinaryKeyValueSnapshot {

    static final byte[] MAGIC = "RAFTKV/3".getBytes(StandardCharsets.US_ASCII);

    private static final int END = 0;

    private static final int RECORD = 1;

    private static final int TEXT = 0;

    private static final int TRUE = 1;

    private static final int FALSE = 2;

    private static final int INTEGER = 3;

    private static final int JSON = 4;

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private BinaryKeyValueSnapshot() {
    }

    static void write(OutputStream stream, JsonMapper mapper, Map<String, KeyRecord> entries, JsonNode history,
            JsonNode leases) throws IOException {
        SnapshotOutput out = new SnapshotOutput(stream);
        for (byte b : MAGIC) {
            out.writeByte(b);
        }
        for (Map.Entry<String, KeyRecord> entry : entries.entrySet()) {
            KeyRecord record = entry.getValue();
            out.writeByte(RECORD);
            out.writeText(entry.getKey());
            writeValue(out, mapper, record.value());
            out.writeVarLong(record.createRevision());
            out.writeVarLong(record.modRevision());
            out.writeVarLong(record.version());
            out.writeVarLong(record.lease());
        }
        out.writeByte(END);
        out.writeBytes(mapper.writeValueAsBytes(history));
        out.writeBytes(mapper.writeValueAsBytes(leases));
        out.flush();
    }

    private static void writeValue(SnapshotOutput out, JsonMapper mapper, JsonNode value) throws IOException {
        if (value.isString()) {
            out.writeByte(TEXT);
            out.writeText(value.asString());
        }
        else if (value.isBoolean()) {
            out.writeByte(value.booleanValue() ? TRUE : FALSE);
        }
        else if (value.isIntegralNumber() && fitsLong(value)) {
            out.writeByte(INTEGER);
            long n = value.longValue();
            out.writeVarLong((n << 1) ^ (n >> 63));
        }
        else {
            out.writeByte(JSON);
            out.writeBytes(mapper.writeValueAsBytes(value));
        }
    }

    private static boolean fitsLong(JsonNode integral) {
        if (!integral.isBigInteger()) {
            return true;
        }
        BigInteger n = integral.bigIntegerValue();
        return n.compareTo(LONG_MIN) >= 0 && n.compareTo(LONG_MAX) <= 0;
    }

    /** Reads what follows the magic (already read); as {@link KeyValueSnapshot#read}, {@code current} is shared. */
    static KeyValueSnapshot.State read(InputStream stream, JsonMapper mapper, ChangeHistory.Bounds maxHistory,
            NavigableMap<String, KeyRecord> current) throws IOException {
        SnapshotInput in = new SnapshotInput(stream);
        Integers integers = new Integers(mapper);
        UnchangedRecords entries = new UnchangedRecords(current);
        while (true) {
            int marker = in.readByte();
            if (marker == END) {
                break;
            }
            if (marker != RECORD) {
                throw new IOException("The store snapshot has a record marked " + marker + " where 0 or 1 belongs: "
                        + "it is damaged");
            }
            String key = in.readText();
            JsonNode value = readValue(in, mapper, integers, key);
            entries.put(key, new KeyRecord(value, in.readVarLong(), in.readVarLong(), in.readVarLong(),
                    in.readVarLong()));
        }
        try {
            ChangeHistory history = ChangeHistory.fromJson(mapper.readTree(in.readBytes()), maxHistory);
            JsonNode leases = mapper.readTree(in.readBytes());
            return new KeyValueSnapshot.State(entries.toMap(), history, leases);
        }
        catch (JacksonException ex) {
            throw new IOException("The store snapshot's history or leases are not valid JSON: "
                    + ex.getOriginalMessage(), ex);
        }
    }

    private static JsonNode readValue(SnapshotInput in, JsonMapper mapper, Integers integers, String key)
            throws IOException {
        int kind = in.readByte();
        return switch (kind) {
            case TEXT -> StoreCommands.NODES.stringNode(in.readText());
            case TRUE -> StoreCommands.NODES.booleanNode(true);
            case FALSE -> StoreCommands.NODES.booleanNode(false);
            case INTEGER -> {
                long zigzag = in.readVarLong();
                yield integers.node((zigzag >>> 1) ^ -(zigzag & 1));
            }
            case JSON -> {
                byte[] json = in.readBytes();
                try {
                    JsonNode value = mapper.readTree(json);
                    if (value == null || value.isNull() || value.isMissingNode()) {
                        throw new IOException("The state holds null for key '" + key + "': the store does not hold "
                                + "null values (a missing key reads as empty)");
                    }
                    yield value;
                }
                catch (JacksonException ex) {
                    throw new IOException("The value of key '" + key + "' in the store snapshot is not valid JSON ("
                            + ex.getOriginalMessage() + "): " + new String(Arrays.copyOf(json, Math.min(json.length,
                                    64)), StandardCharsets.UTF_8), ex);
                }
            }
            default -> throw new IOException("The value of key '" + key + "' in the store snapshot is of kind " + kind
                    + ", which this version does not know: restore it with the raft-spring-boot version that wrote "
                    + "it, or a newer one");
        };
    }

    /** An integer as the store's mapper would read it from JSON, whose integer features the application may set. */
    private record Integers(boolean bigIntegers, boolean longs) {

        Integers(JsonMapper mapper) {
            this(mapper.isEnabled(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS),
                    mapper.isEnabled(DeserializationFeature.USE_LONG_FOR_INTS));
        }

        JsonNode node(long n) {
            if (bigIntegers) {
                return StoreCommands.NODES.numberNode(BigInteger.valueOf(n));
            }
            if (!longs && n == (int) n) {
                return StoreCommands.NODES.numberNode((int) n);
            }
            return StoreCommands.NODES.numberNode(n);
        }
    }
}
