package io.github.raftspringboot.engine.kv;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The store's JSON snapshot formats read by the token-level reader: what the JSON writer writes, a raft-kv/2 snapshot
 * written by the tree-based writer before it (checked in: {@code raft-kv-2-snapshot.json}, from 0de4651), the legacy
 * plain object, and damaged snapshots of each, which are refused with the problem named and nothing changed; and
 * that a snapshot of either writer (JSON, or the binary one of {@link BinarySnapshotFormatTest}) restores the state.
 */
class KeyValueSnapshotFormatTest {

    /** The commands the checked-in snapshot was written after, at indexes 1 to 7. */
    private static final List<String> COMMANDS = List.of(
            "{\"op\":\"lease_grant\",\"ttl\":60000,\"id\":7}",
            "{\"op\":\"put\",\"key\":\"a\",\"value\":\"first\"}",
            "{\"op\":\"put_all\",\"entries\":{\"b\":1.50,\"c\":12345678901234567890,\"d\":true,\"e\":[1,{\"x\":null}],"
                    + "\"f\":{\"n\":-3,\"s\":\"\"}}}",
            "{\"op\":\"put\",\"key\":\"a\",\"value\":\"text with \\\"quotes\\\", \\\\ and \u00e9\\u2603\"}",
            "{\"op\":\"put\",\"key\":\"leased\",\"value\":false,\"lease\":7}",
            "{\"op\":\"delete\",\"key\":\"d\"}",
            "{\"op\":\"put\",\"key\":\"z\",\"value\":0}");

    /** The store's own parsing rules (duplicate keys refused, exact decimals), as {@link KeyValueStores} sets them. */
    private final JsonMapper mapper = StoreCommands.strict(new JsonMapper());

    private final StoreLimits limits = new StoreLimits(1024, 1 << 20, 4 << 20);

    @Test
    void theJsonWriterWritesRaftKv2ByteForByteAsTheTreeBasedWriterDid() throws Exception {
        assertThat(new String(snapshot(loaded(StoreSnapshotFormat.JSON)), StandardCharsets.UTF_8))
            .isEqualTo(new String(checkedInRaftKv2(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(StoreSnapshotFormat.class)
    void aSnapshotOfEachWriterRestoresExactlyTheSameState(StoreSnapshotFormat format) throws Exception {
        KeyValueStateMachine original = loaded(format);
        KeyValueStateMachine restored = new KeyValueStateMachine(mapper, limits);
        restored.restore(new ByteArrayInputStream(snapshot(original)));
        assertSameState(restored, original);
    }

    @Test
    void aRaftKv2SnapshotOfTheEarlierWriterRestoresExactlyTheSameState() throws Exception {
        KeyValueStateMachine restored = new KeyValueStateMachine(mapper, limits);
        apply(restored, 1, "{\"op\":\"put\",\"key\":\"stale\",\"value\":1}");
        restored.restore(new ByteArrayInputStream(checkedInRaftKv2()));
        assertSameState(restored, loaded());
        assertThat(restored.get("stale")).isNull();
    }

    @ParameterizedTest
    @EnumSource(StoreSnapshotFormat.class)
    void recordsAreWrittenInBufferSizedWritesNotOneWritePerRecord(StoreSnapshotFormat format) throws Exception {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits, 10_000, 64L << 20, format);
        StringBuilder command = new StringBuilder("{\"op\":\"put_all\",\"entries\":{");
        for (int key = 0; key < 1000; key++) {
            command.append((key > 0) ? "," : "").append("\"k").append(key).append("\":{\"n\":").append(key).append('}');
        }
        apply(state, 1, command.append("}}").toString());
        int[] writes = { 0 };
        state.snapshot(new OutputStream() {
            @Override
            public void write(int b) {
                writes[0]++;
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                writes[0]++;
            }
        });
        // About 140 KB: a few dozen writes of the generator's buffer (each write is a chunk of the node's snapshot).
        assertThat(writes[0]).isLessThan(100);
    }

    @Test
    void recordFieldsInAnyOrderAndFieldsThisVersionDoesNotKnowAreRead() throws Exception {
        KeyValueStateMachine restored = new KeyValueStateMachine(mapper, limits);
        restored.restore(stream("{\"format\":\"raft-kv/2\",\"entries\":{\"k\":{\"lease\":0,\"later\":{\"x\":[1]},"
                + "\"version\":3,\"modRevision\":9,\"createRevision\":4,\"value\":{\"deep\":[true,null,\"s\"]}}},"
                + "\"history\":{\"compactedRevision\":8,\"events\":[]},\"leases\":[]}"));
        assertThat(restored.record("k"))
            .isEqualTo(new KeyRecord(mapper.readTree("{\"deep\":[true,null,\"s\"]}"), 4, 9, 3, 0));
    }

    @Test
    void theLegacyPlainObjectRestoresWithRevisionZeroAndVersionOne() throws Exception {
        KeyValueStateMachine restored = new KeyValueStateMachine(mapper, limits);
        restored.restore(stream("{\"k\":{\"x\":1.50},\"s\":\"text\",\"format\":2}"));
        assertThat(restored.record("k")).isEqualTo(new KeyRecord(mapper.readTree("{\"x\":1.50}"), 0, 0, 1, 0));
        assertThat(restored.record("s")).isEqualTo(new KeyRecord(mapper.readTree("\"text\""), 0, 0, 1, 0));
        assertThat(restored.entries("")).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
        truncated in a record           | {"format":"raft-kv/2","entries":{"a":{"value":"x","createRev | not valid store JSON
        truncated after the entries     | {"format":"raft-kv/2","entries":{"a":{"value":1,"createRevision":1,"modRevision":1,"version":1}} | not valid store JSON
        a record without modRevision    | {"format":"raft-kv/2","entries":{"a":{"value":1,"createRevision":1,"version":1}}} | record of key 'a' needs
        a record with a null value      | {"format":"raft-kv/2","entries":{"a":{"value":null,"createRevision":1,"modRevision":1,"version":1}}} | record of key 'a' needs a non-null value
        a revision that is text         | {"format":"raft-kv/2","entries":{"a":{"value":1,"createRevision":"1","modRevision":1,"version":1}}} | record of key 'a' needs
        a record that is not an object  | {"format":"raft-kv/2","entries":{"a":[1]}} | record of key 'a' needs
        a field twice in a record       | {"format":"raft-kv/2","entries":{"a":{"value":1,"createRevision":1,"modRevision":1,"version":1,"value":2}}} | "value" twice
        a key twice                     | {"format":"raft-kv/2","entries":{"a":{"value":1,"createRevision":1,"modRevision":1,"version":1},"a":{"value":2,"createRevision":1,"modRevision":1,"version":1}}} | key 'a' appears twice
        a section twice                 | {"format":"raft-kv/2","leases":[],"leases":[]} | section 'leases' twice
        a duplicate key inside a value  | {"format":"raft-kv/2","entries":{"a":{"value":{"x":1,"x":2},"createRevision":1,"modRevision":1,"version":1}}} | Duplicate
        an unknown section              | {"format":"raft-kv/2","entries":{},"shards":[]} | section 'shards' this version does not know
        entries that are not an object  | {"format":"raft-kv/2","entries":[]} | entries section must be a JSON object
        a history without events        | {"format":"raft-kv/2","history":{"compactedRevision":1}} | history section needs
        leases that are not a list      | {"format":"raft-kv/2","leases":{}} | leases
        not an object at all            | ["format","raft-kv/2"] | must be a JSON object
        legacy: truncated               | {"a":1,"b":{"x": | not valid store JSON
        legacy: a null value            | {"a":1,"b":null} | holds null for key 'b'
        legacy: a key twice             | {"a":1,"a":2} | 'a' twice
        """)
    void aDamagedSnapshotIsRefusedNamingTheProblemAndChangesNothing(String problem, String snapshot, String message)
            throws Exception {
        KeyValueStateMachine state = loaded();
        byte[] before = snapshot(state);
        assertThatThrownBy(() -> state.restore(stream(snapshot)))
            .isInstanceOf(IOException.class)
            .hasMessageContaining(message);
        assertThat(snapshot(state)).isEqualTo(before);
    }

    @Test
    void aRestoreOverASimilarStateSharesTheRecordsThatDidNotChange() throws Exception {
        KeyValueStateMachine leader = loaded();
        KeyValueStateMachine follower = loaded();
        KeyRecord unchanged = follower.record("b");
        KeyRecord replaced = follower.record("z");
        apply(leader, 8, "{\"op\":\"put\",\"key\":\"z\",\"value\":1}");
        apply(leader, 9, "{\"op\":\"put\",\"key\":\"y\",\"value\":2}");

        follower.restore(new ByteArrayInputStream(snapshot(leader)));

        assertSameState(follower, leader);
        assertThat(follower.record("b")).isSameAs(unchanged);
        assertThat(follower.record("z")).isNotSameAs(replaced).isEqualTo(leader.record("z"));
    }

    private KeyValueStateMachine loaded() {
        return loaded(StoreSnapshotFormat.BINARY);
    }

    KeyValueStateMachine loaded(StoreSnapshotFormat format) {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits, 10_000, 64L << 20, format);
        for (int index = 1; index <= COMMANDS.size(); index++) {
            apply(state, index, COMMANDS.get(index - 1));
        }
        return state;
    }

    static void assertSameState(KeyValueStateMachine restored, KeyValueStateMachine original) {
        assertThat(restored.size()).isEqualTo(original.size());
        for (JsonNode key : original.keys("")) {
            assertThat(restored.record(key.asString())).as(key.asString()).isEqualTo(original.record(key.asString()));
        }
        assertThat(restored.query(bytes("{\"q\":\"lease_of\",\"arg\":\"leased\"}")))
            .isEqualTo(original.query(bytes("{\"q\":\"lease_of\",\"arg\":\"leased\"}")));
        assertThat(restored.oldestWatchRevision()).isEqualTo(original.oldestWatchRevision());
        RevisionsAndHistoryTest.Recorder restoredEvents = new RevisionsAndHistoryTest.Recorder();
        RevisionsAndHistoryTest.Recorder originalEvents = new RevisionsAndHistoryTest.Recorder();
        restored.watch(key -> true, 1, restoredEvents);
        original.watch(key -> true, 1, originalEvents);
        await().until(() -> !originalEvents.events.isEmpty()
                && restoredEvents.events.size() == originalEvents.events.size());
        assertThat(restoredEvents.events).isEqualTo(originalEvents.events);
    }

    static byte[] snapshot(KeyValueStateMachine state) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        state.snapshot(out);
        return out.toByteArray();
    }

    private static byte[] checkedInRaftKv2() throws IOException {
        try (InputStream in = KeyValueSnapshotFormatTest.class.getResourceAsStream("raft-kv-2-snapshot.json")) {
            return in.readAllBytes();
        }
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void apply(KeyValueStateMachine state, long index, String command) {
        String result = new String(state.apply(index, bytes(command)), StandardCharsets.UTF_8);
        assertThat(result).doesNotContain("\"error\"");
    }
}
