package io.github.raftspringboot.test.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

    @Test
    void recordsOutcomesWithTheClockAtEachCall() {
        AtomicLong clock = new AtomicLong();
        HistoryRecorder recorder = new HistoryRecorder(() -> clock.addAndGet(10));

        OperationHandle put = recorder.invoke("c1", KvOperation.put("x", "1"));
        OperationHandle get = recorder.invoke("c2", KvOperation.get("x"));
        OperationHandle cas = recorder.invoke("c3", KvOperation.compareAndSet("x", "1", "2"));
        OperationHandle lost = recorder.invoke("c4", KvOperation.delete("x"));
        recorder.ok(put, null);
        recorder.ok(get, "1");
        recorder.fail(cas);
        recorder.info(lost);
        OperationHandle running = recorder.invoke("c5", KvOperation.put("x", "3"));

        History history = recorder.history();

        assertThat(history.operations()).containsExactly(
                Operation.ok(put.id(), "c1", KvOperation.put("x", "1"), 10, 50, null),
                Operation.ok(get.id(), "c2", KvOperation.get("x"), 20, 60, "1"),
                Operation.fail(cas.id(), "c3", KvOperation.compareAndSet("x", "1", "2"), 30, 70),
                Operation.info(lost.id(), "c4", KvOperation.delete("x"), 40),
                Operation.info(running.id(), "c5", KvOperation.put("x", "3"), 90));
        assertThat(history.countByOutcome()).containsEntry(Outcome.OK, 2L).containsEntry(Outcome.FAIL, 1L)
                .containsEntry(Outcome.INFO, 2L);
    }

    @Test
    void completingTwiceOrOnAnotherRecorderIsRefused() {
        HistoryRecorder recorder = new HistoryRecorder();
        OperationHandle handle = recorder.invoke("c1", KvOperation.get("x"));
        recorder.ok(handle, null);

        assertThatThrownBy(() -> recorder.info(handle)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already completed");
        assertThatThrownBy(() -> new HistoryRecorder().ok(handle, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another recorder");
    }

    @Test
    void compareAndSetNeedsABooleanResult() {
        HistoryRecorder recorder = new HistoryRecorder();
        OperationHandle handle = recorder.invoke("c1", KvOperation.compareAndSet("x", null, "1"));

        assertThatThrownBy(() -> recorder.ok(handle, "yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a Boolean result");
    }

    @Test
    void anOptionalResultIsRefusedSinceAbsentIsNull() {
        HistoryRecorder recorder = new HistoryRecorder();
        OperationHandle handle = recorder.invoke("c1", KvOperation.get("x"));

        assertThatThrownBy(() -> recorder.ok(handle, java.util.Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("or null for an absent key");
        recorder.ok(handle, null);
        assertThat(recorder.history().operations()).hasSize(1);
    }

    @Test
    void operationsOfAHistoryNeedTheirOwnIds() {
        Operation first = Operation.ok(7, "c1", KvOperation.put("x", "1"), 0, 10, null);
        Operation second = Operation.ok(7, "c2", KvOperation.get("x"), 20, 30, "1");

        assertThatThrownBy(() -> History.of(List.of(second, first))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("share id 7");
    }

    @Test
    void concurrentClientsOfAnAtomicMapAreLinearizable() throws Exception {
        Map<String, Object> store = new ConcurrentHashMap<>();
        History history = runClients(store, store);

        CheckResult result = new LinearizabilityChecker().check(history);

        assertThat(history.size()).isEqualTo(8 * 500);
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void readsFromAReplicaThatNeverCatchesUpAreCaught() throws Exception {
        Map<String, Object> primary = new ConcurrentHashMap<>();
        Map<String, Object> staleReplica = new ConcurrentHashMap<>();

        CheckResult result = new LinearizabilityChecker().check(runClients(primary, staleReplica));

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.explanation()).contains("get(").contains("-> absent ok");
    }

    /** Eight threads of puts, gets and compare-and-sets on three keys; reads go to {@code readFrom}. */
    private static History runClients(Map<String, Object> writeTo, Map<String, Object> readFrom) throws Exception {
        HistoryRecorder recorder = new HistoryRecorder();
        AtomicLong values = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                String client = "c" + c;
                Random random = new Random(c);
                running.add(clients.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        String key = "k" + random.nextInt(3);
                        switch (random.nextInt(3)) {
                            case 0 -> {
                                Long value = values.incrementAndGet();
                                OperationHandle handle = recorder.invoke(client, KvOperation.put(key, value));
                                writeTo.put(key, value);
                                recorder.ok(handle, null);
                            }
                            case 1 -> {
                                OperationHandle handle = recorder.invoke(client, KvOperation.get(key));
                                recorder.ok(handle, readFrom.get(key));
                            }
                            default -> {
                                Object expected = readFrom.get(key);
                                Long value = values.incrementAndGet();
                                OperationHandle handle = recorder.invoke(client,
                                        KvOperation.compareAndSet(key, expected, value));
                                boolean swapped = expected == null ? writeTo.putIfAbsent(key, value) == null
                                        : writeTo.replace(key, expected, value);
                                recorder.ok(handle, swapped);
                            }
                        }
                    }
                }));
            }
            for (Future<?> client : running) {
                client.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            clients.shutdownNow();
        }
        return recorder.history();
    }
}
