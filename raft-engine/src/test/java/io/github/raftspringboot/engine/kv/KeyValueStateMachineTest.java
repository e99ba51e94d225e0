package io.github.raftspringboot.engine.kv;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The state machine alone: deterministic results and an exact snapshot round trip. */
class KeyValueStateMachineTest {

    private final JsonMapper mapper = new JsonMapper();

    private final StoreLimits limits = new StoreLimits(1024, 1 << 20, 4 << 20);

    @Test
    void snapshotRestoresExactlyTheSameState() throws Exception {
        KeyValueStateMachine original = new KeyValueStateMachine(mapper, limits);
        apply(original, "{\"op\":\"put_all\",\"entries\":{\"a\":1,\"b\":{\"x\":[1,2,{\"y\":null}]},\"c\":\"s\",\"d\":true,\"e\":1.25}}");
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        original.snapshot(snapshot);

        KeyValueStateMachine restored = new KeyValueStateMachine(mapper, limits);
        apply(restored, "{\"op\":\"put\",\"key\":\"stale\",\"value\":0}");
        restored.restore(new ByteArrayInputStream(snapshot.toByteArray()));
        assertThat(restored.entries("")).isEqualTo(original.entries(""));
        assertThat(restored.get("stale")).isNull();
    }

    @Test
    void invalidCommandsLeaveTheStateUntouchedAndSayWhy() {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits);
        String result = apply(state, "{\"op\":\"put\",\"key\":\"\",\"value\":1}");
        assertThat(result).contains("\"error\"").contains("must not be null or empty");
        assertThat(state.size()).isZero();
        assertThat(state.validate("{\"op\":\"nope\"}".getBytes(StandardCharsets.UTF_8))).contains("unknown op");
        assertThat(state.validate("{\"op\":\"delete\",\"key\":\"k\"}".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void aValueIsWrittenOutToBeMeasuredOnlyWhenItsCommandIsOverTheValueLimit() {
        CountingMapper counting = new CountingMapper();
        KeyValueStateMachine state = new KeyValueStateMachine(counting, new StoreLimits(1024, 100, 4 << 20));
        String small = "x".repeat(60);
        assertThat(apply(state, "{\"op\":\"put\",\"key\":\"a\",\"value\":\"" + small + "\"}"))
            .contains("\"changed\":true");
        assertThat(counting.valuesWritten).as("a command within the value limit holds a value within it").isZero();

        // Over the limit as a command, within it as a value: measured, and accepted.
        String fits = "y".repeat(90);
        assertThat(apply(state, "{\"op\":\"put\",\"key\":\"b\",\"value\":\"" + fits + "\"}"))
            .contains("\"changed\":true");
        assertThat(counting.valuesWritten).isEqualTo(1);
        String tooLarge = "z".repeat(120);
        assertThat(apply(state, "{\"op\":\"put_all\",\"entries\":{\"c\":1,\"d\":\"" + tooLarge + "\"}}"))
            .contains("\"error\"").contains("The value for key 'd' is 122 bytes of JSON; the limit is 100 bytes");
        assertThat(state.get("b").asString()).isEqualTo(fits);
        assertThat(state.get("c")).isNull();
    }

    /** Counts the values (not commands or results: objects) it writes out as bytes. */
    private static final class CountingMapper extends JsonMapper {

        int valuesWritten;

        @Override
        public byte[] writeValueAsBytes(Object value) {
            if (!(value instanceof tools.jackson.databind.node.ObjectNode)) {
                valuesWritten++;
            }
            return super.writeValueAsBytes(value);
        }
    }

    private static String apply(KeyValueStateMachine state, String command) {
        return new String(state.apply(1, command.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
