package io.github.raftspringboot.sample.it;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.test.history.HistoryRecorder;
import io.github.raftspringboot.test.history.KvOperation;
import io.github.raftspringboot.test.history.OperationHandle;

import static org.assertj.core.api.Assertions.assertThat;

/** The fault suite's count of lost acknowledged writes: what the final reads prove lost, and no false alarm. */
class LostWritesTest {

    /** Each reading of the clock is one tick later: operations recorded one after the other never overlap. */
    private final AtomicLong clock = new AtomicLong();

    private final HistoryRecorder recorder = new HistoryRecorder(clock::incrementAndGet);

    @Test
    void aFinalReadOfAnOlderValueProvesTheLaterAcknowledgedPutLost() {
        put("c1", "k", "a");
        put("c2", "k", "b");
        finalRead("k", "a");
        assertThat(LostWrites.in(recorder.history(), "final")).singleElement()
            .satisfies(op -> assertThat(op.operation()).isEqualTo(KvOperation.put("k", "b")));
    }

    @Test
    void aFinalReadOfTheLastValueLosesNothing() {
        put("c1", "k", "a");
        put("c2", "k", "b");
        finalRead("k", "b");
        assertThat(LostWrites.in(recorder.history(), "final")).isEmpty();
    }

    @Test
    void overlappingPutsMayEndEitherWay() {
        OperationHandle first = recorder.invoke("c1", KvOperation.put("k", "a"));
        OperationHandle second = recorder.invoke("c2", KvOperation.put("k", "b"));
        recorder.ok(second, null);
        recorder.ok(first, null);
        finalRead("k", "b");
        assertThat(LostWrites.in(recorder.history(), "final")).isEmpty();
    }

    @Test
    void anAbsentKeyProvesAPutLostUnlessADeleteMayHaveFollowedIt() {
        put("c1", "k", "a");
        finalRead("k", null);
        assertThat(LostWrites.in(recorder.history(), "final")).hasSize(1);

        put("c1", "j", "a");
        OperationHandle delete = recorder.invoke("c2", KvOperation.delete("j"));
        recorder.info(delete);
        finalRead("j", null);
        assertThat(LostWrites.in(recorder.history(), "final")).hasSize(1);
    }

    private void put(String client, String key, String value) {
        recorder.ok(recorder.invoke(client, KvOperation.put(key, value)), null);
    }

    private void finalRead(String key, String value) {
        recorder.ok(recorder.invoke("final", KvOperation.get(key)), value);
    }
}
