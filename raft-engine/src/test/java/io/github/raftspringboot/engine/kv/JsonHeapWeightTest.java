package io.github.raftspringboot.engine.kv;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.WatchEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change history's weights follow the heap its values take, not their text: an object of many small fields
 * weighs several times its JSON, a long string about its length.
 */
class JsonHeapWeightTest {

    private final JsonMapper mapper = JsonMapper.builder().build();

    @Test
    void anObjectOfManySmallFieldsWeighsSeveralTimesItsText() {
        ObjectNode value = mapper.createObjectNode();
        for (int i = 0; i < 600; i++) {
            value.put("f%03d".formatted(i), i * 1000);
        }
        long text = value.toString().length();

        assertThat(JsonHeapWeight.of(value)).isGreaterThan(5 * text).isLessThan(12 * text);
    }

    @Test
    void aLongStringWeighsAboutItsLength() {
        JsonNode value = mapper.getNodeFactory().stringNode("x".repeat(10_000));

        assertThat(JsonHeapWeight.of(value)).isBetween(10_000L, 10_100L);
    }

    @Test
    void aChangeWeighsItsKeyItsValueAndTheValueItReplaced() {
        JsonNode array = mapper.readTree("[1, \"two\", {\"three\": 3}, null]");
        WatchEvent put = new WatchEvent(WatchEvent.Type.PUT, "k", array, 2, array);
        WatchEvent first = new WatchEvent(WatchEvent.Type.PUT, "k", array, 1, null);

        assertThat(JsonHeapWeight.of(array)).isGreaterThan(array.toString().length());
        assertThat(JsonHeapWeight.of(put) - JsonHeapWeight.of(first)).isEqualTo(JsonHeapWeight.of(array));
        assertThat(JsonHeapWeight.of(java.util.List.of(put, first)))
            .isEqualTo(JsonHeapWeight.of(put) + JsonHeapWeight.of(first));
    }
}
