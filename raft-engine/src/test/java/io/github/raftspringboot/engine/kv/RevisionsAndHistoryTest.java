package io.github.raftspringboot.engine.kv;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftCompactedException;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.WatchEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Revisions, the change history, watches and the snapshot format, on the state machine alone. */
class RevisionsAndHistoryTest {

    private final JsonMapper mapper = new JsonMapper();

    private final StoreLimits limits = new StoreLimits(1024, 1 << 20, 4 << 20);

    @Test
    void revisionsFollowTheIndexAndDeleteResetsTheVersion() {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits);
        apply(state, 3, "{\"op\":\"put\",\"key\":\"a\",\"value\":1}");
        apply(state, 5, "{\"op\":\"put\",\"key\":\"a\",\"value\":2}");
        assertThat(state.record("a")).isEqualTo(new KeyRecord(mapper.readTree("2"), 3, 5, 2, 0));
        apply(state, 6, "{\"op\":\"delete\",\"key\":\"a\"}");
        apply(state, 9, "{\"op\":\"cas\",\"key\":\"a\",\"expected\":null,\"value\":7}");
        assertThat(state.record("a")).isEqualTo(new KeyRecord(mapper.readTree("7"), 9, 9, 1, 0));
    }

    @Test
    void theSnapshotKeepsRevisionsAndHistoryAndOldSnapshotsStillRestore() throws Exception {
        KeyValueStateMachine original = new KeyValueStateMachine(mapper, limits);
        apply(original, 2, "{\"op\":\"put_all\",\"entries\":{\"a\":1,\"b\":2}}");
        apply(original, 4, "{\"op\":\"put\",\"key\":\"a\",\"value\":3}");
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        original.snapshot(snapshot);
        assertThat(snapshot.toString(StandardCharsets.ISO_8859_1)).startsWith("RAFTKV/3");

        KeyValueStateMachine restored = new KeyValueStateMachine(mapper, limits);
        restored.restore(new ByteArrayInputStream(snapshot.toByteArray()));
        assertThat(restored.record("a")).isEqualTo(original.record("a"));
        Recorder recorder = new Recorder();
        restored.watch(key -> true, 2, recorder);
        await().until(() -> recorder.events.size() == 3);
        assertThat(recorder.events).extracting(WatchEvent::key, WatchEvent::revision)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 2L), org.assertj.core.groups.Tuple.tuple("b", 2L),
                    org.assertj.core.groups.Tuple.tuple("a", 4L));

        KeyValueStateMachine legacy = new KeyValueStateMachine(mapper, limits);
        legacy.restore(new ByteArrayInputStream("{\"k\":{\"x\":1},\"z\":2}".getBytes(StandardCharsets.UTF_8)));
        assertThat(legacy.record("k")).isEqualTo(new KeyRecord(mapper.readTree("{\"x\":1}"), 0, 0, 1, 0));
        assertThat(legacy.entries("")).hasSize(2);
        // No history came with it: a past revision is refused until the first write after the restore.
        assertThatThrownBy(() -> legacy.watch(key -> true, 1, recorder)).isInstanceOf(RaftCompactedException.class);
        apply(legacy, 12, "{\"op\":\"put\",\"key\":\"z\",\"value\":3}");
        assertThat(legacy.oldestWatchRevision()).isEqualTo(12);
    }

    @Test
    void aBoundedHistoryRefusesCompactedRevisionsNamingTheOldest() {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits, 3, 1L << 20);
        for (int index = 1; index <= 5; index++) {
            apply(state, index, "{\"op\":\"put\",\"key\":\"k\",\"value\":" + index + "}");
        }
        assertThatThrownBy(() -> state.watch(key -> true, 2, new Recorder()))
            .isInstanceOfSatisfying(RaftCompactedException.class,
                    ex -> assertThat(ex.oldestRevision()).isEqualTo(3))
            .hasMessageContaining("oldest revision this node can still watch from is 3");
        Recorder recorder = new Recorder();
        state.watch(key -> true, 3, recorder);
        await().until(() -> recorder.events.size() == 3);
    }

    @Test
    void theHistoryIsBoundedInBytesTooButKeepsTheLatestRevision() {
        String big = "{\"op\":\"put\",\"key\":\"k\",\"value\":\"" + "x".repeat(300) + "\"}";
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits, 1000, 1000);
        for (int index = 1; index <= 4; index++) {
            apply(state, index, big);
        }
        // Each write holds about 800 bytes of heap (its value and the one it replaced): only the latest fits, and it
        // is kept even so.
        assertThat(state.oldestWatchRevision()).isEqualTo(4);
    }

    @Test
    void aWatchSeesHistoryThenLiveChangesOnceInOrderAndStopsWhenCancelled() {
        KeyValueStateMachine state = new KeyValueStateMachine(mapper, limits);
        apply(state, 1, "{\"op\":\"put\",\"key\":\"p/a\",\"value\":1}");
        apply(state, 2, "{\"op\":\"put\",\"key\":\"q\",\"value\":1}");
        Recorder recorder = new Recorder();
        RaftWatch watch = state.watch(key -> key.startsWith("p/"), 1, recorder);
        for (int index = 3; index <= 200; index++) {
            apply(state, index, "{\"op\":\"put\",\"key\":\"p/" + (index % 7) + "\",\"value\":" + index + "}");
        }
        apply(state, 201, "{\"op\":\"delete\",\"key\":\"p/a\"}");
        await().until(() -> recorder.events.size() == 200);
        assertThat(recorder.events).extracting(WatchEvent::revision).isSorted().doesNotHaveDuplicates();
        WatchEvent last = recorder.events.get(199);
        assertThat(last.type()).isEqualTo(WatchEvent.Type.DELETE);
        assertThat(last.prevValue().asInt()).isEqualTo(1);
        watch.cancel();
        apply(state, 202, "{\"op\":\"put\",\"key\":\"p/x\",\"value\":1}");
        assertThat(watch.isCancelled()).isTrue();
    }

    @Test
    void aRestoreThatContinuesAWatchDeliversTheGapAndOneThatGoesBackEndsIt() throws Exception {
        KeyValueStateMachine ahead = new KeyValueStateMachine(mapper, limits);
        KeyValueStateMachine behind = new KeyValueStateMachine(mapper, limits);
        for (int index = 1; index <= 6; index++) {
            String command = "{\"op\":\"put\",\"key\":\"k\",\"value\":" + index + "}";
            apply(ahead, index, command);
            if (index <= 3) {
                apply(behind, index, command);
            }
        }
        Recorder lagging = new Recorder();
        behind.watch(key -> true, 1, lagging);
        await().until(() -> lagging.events.size() == 3);
        ByteArrayOutputStream newer = new ByteArrayOutputStream();
        ahead.snapshot(newer);
        // A snapshot installed on a node that lagged: the watch goes on with revisions 4 to 6.
        behind.restore(new ByteArrayInputStream(newer.toByteArray()));
        await().until(() -> lagging.events.size() == 6);
        assertThat(lagging.events).extracting(WatchEvent::revision).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

        KeyValueStateMachine old = new KeyValueStateMachine(mapper, limits);
        apply(old, 1, "{\"op\":\"put\",\"key\":\"k\",\"value\":0}");
        ByteArrayOutputStream older = new ByteArrayOutputStream();
        old.snapshot(older);
        // A backup from before the watch's position: the listener is told, since it cannot know what changed.
        behind.restore(new ByteArrayInputStream(older.toByteArray()));
        await().until(() -> lagging.errors.size() == 1);
        assertThat(lagging.errors.get(0).getMessage()).contains("restored to an earlier state");
        assertThat(lagging.events).hasSize(6);
    }

    private static void apply(KeyValueStateMachine state, long index, String command) {
        String result = new String(state.apply(index, command.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertThat(result).doesNotContain("\"error\"");
    }

    static final class Recorder implements RaftWatchListener {

        final List<WatchEvent> events = new CopyOnWriteArrayList<>();

        final List<RaftException> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(WatchEvent event) {
            events.add(event);
        }

        @Override
        public void onError(RaftException error) {
            errors.add(error);
        }
    }
}
