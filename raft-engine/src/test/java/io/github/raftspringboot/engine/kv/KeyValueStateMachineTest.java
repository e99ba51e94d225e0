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

    private static String apply(KeyValueStateMachine state, String command) {
        return new String(state.apply(1, command.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
