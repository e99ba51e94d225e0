package io.github.raftspringboot.engine.kv;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnchangedRecordsTest {

    @Test
    void keysInOrderMakeTheSameMapAsPutsAndShareTheUnchangedRecords() {
        ConcurrentSkipListMap<String, KeyRecord> current = new ConcurrentSkipListMap<>(Map.of(
                "b", record("old-b", 1), "d", record("d", 2)));
        UnchangedRecords read = new UnchangedRecords(current);
        Map<String, KeyRecord> expected = new TreeMap<>();
        for (int i = 0; i < 5000; i++) {
            String key = String.format("k%05d", i);
            expected.put(key, record("v" + i, i));
        }
        expected.put("b", record("new-b", 1));
        expected.put("d", record("d", 2));
        expected.forEach(read::put);

        ConcurrentSkipListMap<String, KeyRecord> map = read.toMap();

        assertThat(map).containsExactlyEntriesOf(expected);
        assertThat(map.get("d")).isSameAs(current.get("d"));
        assertThat(map.get("b")).isNotSameAs(current.get("b"));
        // The built map is a working skip list: it finds, adds and orders like one filled by puts.
        map.put("a", record("a", 9));
        assertThat(map.firstKey()).isEqualTo("a");
        assertThat(map.ceilingKey("k02500")).isEqualTo("k02500");
        assertThat(map.headMap("k00010")).hasSize(13);
    }

    @Test
    void keysOutOfOrderAreStillReadExactly() {
        UnchangedRecords read = new UnchangedRecords(new ConcurrentSkipListMap<>());
        for (String key : List.of("m", "n", "c", "z", "a")) {
            read.put(key, record(key, 1));
        }
        assertThat(read.toMap()).containsOnlyKeys("a", "c", "m", "n", "z");
        assertThat(read.toMap().firstKey()).isEqualTo("a");
    }

    @Test
    void aKeyTwiceIsRefusedWhereverItComesAgain() {
        UnchangedRecords next = new UnchangedRecords(new ConcurrentSkipListMap<>());
        next.put("a", record("1", 1));
        assertThatThrownBy(() -> next.put("a", record("2", 2))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'a' appears twice");

        UnchangedRecords later = new UnchangedRecords(new ConcurrentSkipListMap<>());
        later.put("a", record("1", 1));
        later.put("c", record("1", 1));
        assertThatThrownBy(() -> later.put("a", record("2", 2))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'a' appears twice");
    }

    @Test
    void noKeysMakeAnEmptyMap() {
        assertThat(new UnchangedRecords(new ConcurrentSkipListMap<>()).toMap()).isEmpty();
    }

    private static KeyRecord record(String value, long revision) {
        return new KeyRecord(JsonNodeFactory.instance.stringNode(value), revision, revision, 1, 0);
    }
}
