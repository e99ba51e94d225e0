package io.github.raftspringboot.engine.kv;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.github.raftspringboot.engine.kv.KeyValueSnapshotFormatTest.apply;
import static io.github.raftspringboot.engine.kv.KeyValueSnapshotFormatTest.assertSameState;
import static io.github.raftspringboot.engine.kv.KeyValueSnapshotFormatTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary snapshot format ({@code raft-kv/3}): every kind of value reads back to the very node a JSON snapshot
 * gives (the equality a compare-and-set uses), a snapshot written by this version's first binary writer (checked in:
 * {@code raft-kv-3-snapshot.bin}) keeps reading, and a damaged one is refused with the problem named and nothing
 * changed.
 */
class BinarySnapshotFormatTest {

    private final StoreLimits limits = new StoreLimits(1024, 1 << 20, 4 << 20);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "\"\"", "\"text\"", "\"caf\u00e9 \u2603 \ud83d\ude00\"", "\"a lone \\ud800 surrogate\"", "\"\\udc00?\"",
            "\"?\"", "true", "false", "0", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
            "-9223372036854775808", "9223372036854775808", "-98765432109876543210", "1.50", "0.0", "-1e400",
            "[]", "{}", "[1,\"x\",{\"y\":[true,false,null]}]", "{\"n\":-3,\"s\":\"\",\"\\ud800\":1}" })
    void everyKindOfValueReadsBackAsTheNodeJsonGives(String valueJson) throws Exception {
        for (JsonMapper mapper : new JsonMapper[] { StoreCommands.strict(new JsonMapper()),
                StoreCommands.strict(JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build()),
                StoreCommands.strict(
                        JsonMapper.builder().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).build()) }) {
            String command = "{\"op\":\"put_all\",\"entries\":{\"k\":" + valueJson + ",\"key \\ud800 lone\":"
                    + valueJson + "}}";
            KeyValueStateMachine json = stateOf(mapper, StoreSnapshotFormat.JSON, command);
            if (json == null) {
                // Jackson refuses an integer beyond a long with USE_LONG_FOR_INTS: no state to snapshot.
                assertThat(valueJson).matches("-?\\d{19,}");
                continue;
            }
            KeyValueStateMachine binary = stateOf(mapper, StoreSnapshotFormat.BINARY, command);
            KeyValueStateMachine fromJson = restored(mapper, snapshot(json));
            KeyValueStateMachine fromBinary = restored(mapper, snapshot(binary));
            for (String key : new String[] { "k", "key \ud800 lone" }) {
                JsonNode applied = binary.record(key).value();
                assertThat(fromBinary.record(key)).as(key).isEqualTo(fromJson.record(key))
                    .isEqualTo(binary.record(key));
                assertThat(fromBinary.record(key).value().getClass()).isEqualTo(fromJson.record(key).value().getClass())
                    .isEqualTo(applied.getClass());
            }
        }
    }

    @Test
    void textLongerThanTheBufferAndRecordsAcrossItsEdgeReadBack() throws Exception {
        JsonMapper mapper = StoreCommands.strict(new JsonMapper());
        StringBuilder command = new StringBuilder("{\"op\":\"put_all\",\"entries\":{");
        for (int key = 0; key < 300; key++) {
            String value = "v".repeat(key * 997 % 70_000) + ((key % 7 == 0) ? "\\ud800" : "\u00e9");
            command.append((key > 0) ? "," : "").append("\"k").append(key).append("\":\"").append(value).append('"');
        }
        KeyValueStateMachine original = stateOf(mapper, StoreSnapshotFormat.BINARY, command.append("}}").toString());
        assertThat(original).isNotNull();
        assertSameState(restored(mapper, snapshot(original)), original);
    }

    @Test
    void theFirstBinaryWritersSnapshotKeepsReading() throws Exception {
        JsonMapper mapper = StoreCommands.strict(new JsonMapper());
        KeyValueStateMachine restored = restored(mapper, checkedInRaftKv3());
        assertSameState(restored, new KeyValueSnapshotFormatTest().loaded(StoreSnapshotFormat.BINARY));
        assertThat(snapshot(restored)).isEqualTo(checkedInRaftKv3());
    }

    @Test
    void aSnapshotCutAtAnyByteIsRefusedAsTruncatedAndChangesNothing() throws Exception {
        JsonMapper mapper = StoreCommands.strict(new JsonMapper());
        byte[] whole = checkedInRaftKv3();
        KeyValueStateMachine state = new KeyValueSnapshotFormatTest().loaded(StoreSnapshotFormat.BINARY);
        apply(state, 8, "{\"op\":\"put\",\"key\":\"mine\",\"value\":1}");
        byte[] before = snapshot(state);
        for (int length = 1; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> state.restore(new ByteArrayInputStream(cut))).as("cut at %d", length)
                .isInstanceOf(IOException.class)
                .hasMessageMatching("(?s).*(truncated|not valid JSON|neither).*");
        }
        assertThat(snapshot(state)).isEqualTo(before);
    }

    @Test
    void damagedSnapshotsAreRefusedNamingTheProblem() throws Exception {
        JsonMapper mapper = StoreCommands.strict(new JsonMapper());
        KeyValueStateMachine state = restored(mapper, checkedInRaftKv3());
        byte[] before = snapshot(state);
        assertRefused(state, bytes("RAFTKV/9", 0), "neither '{' (JSON) nor RAFTKV/3");
        assertRefused(state, bytes("RAFTKV/3", 7), "record marked 7");
        assertRefused(state, bytes("RAFTKV/3", 1, 2, 'k', 9), "of kind 9, which this version does not know");
        assertRefused(state, bytes("RAFTKV/3", 1, 2, 'k', 4, 3, '{', '"', '}'), "value of key 'k' in the store "
                + "snapshot is not valid JSON");
        assertRefused(state, bytes("RAFTKV/3", 1, 2, 'k', 4, 4, 'n', 'u', 'l', 'l'), "holds null for key 'k'");
        assertRefused(state, bytes("RAFTKV/3", 1, 2, 'k', 1, 2, 2, 2, 0, 1, 2, 'k', 2, 2, 2, 2, 0, 0),
                "key 'k' appears twice");
        assertRefused(state, bytes("RAFTKV/3", 1, 0xFE, 0xFF, 0xFF, 0x07, 'k'), "truncated");
        assertRefused(state, bytes("RAFTKV/3", 1, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 'k'), "text of 2147483647 bytes");
        assertRefused(state, bytes("RAFTKV/3", 1, 2, 'k', 3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                0x01), "longer than 64 bits");
        assertThat(snapshot(state)).isEqualTo(before);
    }

    private static void assertRefused(KeyValueStateMachine state, byte[] snapshot, String message) {
        assertThatThrownBy(() -> state.restore(new ByteArrayInputStream(snapshot)))
            .isInstanceOf(IOException.class)
            .hasMessageContaining(message);
    }

    private static byte[] bytes(String magic, int... rest) {
        byte[] bytes = Arrays.copyOf(magic.getBytes(StandardCharsets.US_ASCII), magic.length() + rest.length);
        for (int i = 0; i < rest.length; i++) {
            bytes[magic.length() + i] = (byte) rest[i];
        }
        return bytes;
    }

    private KeyValueStateMachine stateOf(JsonMapper mapper, StoreSnapshotFormat format, String command) {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits, 10_000, 64L << 20, format);
        String result = new String(state.apply(1, command.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        return result.contains("\"error\"") ? null : state;
    }

    private KeyValueStateMachine restored(JsonMapper mapper, byte[] snapshot) throws IOException {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits);
        state.restore(new ByteArrayInputStream(snapshot));
        return state;
    }

    static byte[] checkedInRaftKv3() throws IOException {
        try (InputStream in = BinarySnapshotFormatTest.class.getResourceAsStream("raft-kv-3-snapshot.bin")) {
            return in.readAllBytes();
        }
    }
}
