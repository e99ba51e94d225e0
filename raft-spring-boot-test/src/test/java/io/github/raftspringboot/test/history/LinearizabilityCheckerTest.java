package io.github.raftspringboot.test.history;

import static io.github.raftspringboot.test.history.KvOperation.compareAndSet;
import static io.github.raftspringboot.test.history.KvOperation.delete;
import static io.github.raftspringboot.test.history.KvOperation.get;
import static io.github.raftspringboot.test.history.KvOperation.put;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    @Test
    void staleReadAfterACompletedWriteIsAViolation() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .ok("c1", put("x", "2"), 20, 30)
                .ok("c2", get("x"), 40, 50, "1")
                .build();

        CheckResult result = checker.check(history);

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.explanation()).contains("Key \"x\" is NOT linearizable")
                .contains("c2 get(\"x\") -> \"1\" ok")
                .contains("c1 put(\"x\", \"2\") ok")
                .contains("Then the value is \"2\"");
    }

    @Test
    void readOfAValueNeverWrittenIsAViolation() {
        History history = new HistoryBuilder().ok("c1", get("x"), 0, 10, "ghost").build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void readOfAnAbsentKeyAfterItsWriteCompletedIsAViolation() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", 1L), 0, 10)
                .ok("c2", get("x"), 11, 12, null)
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void readConcurrentWithAWriteMaySeeEitherValue() {
        for (Object seen : new Object[] { "1", "2" }) {
            History history = new HistoryBuilder()
                    .ok("c1", put("x", "1"), 0, 10)
                    .ok("c1", put("x", "2"), 20, 40)
                    .ok("c2", get("x"), 25, 35, seen)
                    .build();

            assertThat(checker.check(history).verdict()).as("read of %s", seen).isEqualTo(Verdict.LINEARIZABLE);
        }
    }

    @Test
    void overlappingWritesMayTakeEffectInEitherOrder() {
        for (Object last : new Object[] { "a", "b" }) {
            History history = new HistoryBuilder()
                    .ok("c1", put("x", "a"), 0, 30)
                    .ok("c2", put("x", "b"), 10, 20)
                    .ok("c3", get("x"), 40, 50, last)
                    .build();

            assertThat(checker.check(history).verdict()).as("final %s", last).isEqualTo(Verdict.LINEARIZABLE);
        }
    }

    @Test
    void twoReadersCannotSeeConcurrentWritesInOppositeOrders() {
        History history = new HistoryBuilder()
                .ok("w1", put("x", "a"), 0, 100)
                .ok("w2", put("x", "b"), 0, 100)
                .ok("r1", get("x"), 10, 20, "a")
                .ok("r1", get("x"), 30, 40, "b")
                .ok("r2", get("x"), 10, 20, "b")
                .ok("r2", get("x"), 30, 40, "a")
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void operationsTouchingAtOneInstantAreConcurrent() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .ok("c2", put("x", "2"), 10, 20)
                .ok("c3", get("x"), 20, 30, "1")
                .build();

        // The read starts when the second write returns, so it may be ordered before that write's effect:
        // equal timestamps prove no order.
        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void indeterminateWriteMayTakeEffectLater() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .info("c2", put("x", "2"), 20)
                .ok("c3", get("x"), 30, 40, "1")
                .ok("c3", get("x"), 1000, 1010, "2")
                .ok("c3", get("x"), 2000, 2010, "2")
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void indeterminateWriteMayNeverTakeEffect() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .info("c2", put("x", "2"), 20)
                .ok("c3", get("x"), 1000, 1010, "1")
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void indeterminateWriteTakesEffectOnceAndCannotBeUndone() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .info("c2", put("x", "2"), 20)
                .ok("c3", get("x"), 30, 40, "2")
                .ok("c3", get("x"), 50, 60, "1")
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void indeterminateWriteCannotTakeEffectBeforeItsInvocation() {
        History history = new HistoryBuilder()
                .ok("c3", get("x"), 0, 10, "2")
                .info("c2", put("x", "2"), 20)
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void failedWriteNeverTookEffect() {
        History history = new HistoryBuilder()
                .fail("c1", put("x", "1"), 0, 10)
                .ok("c2", get("x"), 20, 30, "1")
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        History absent = new HistoryBuilder()
                .fail("c1", put("x", "1"), 0, 10)
                .ok("c2", get("x"), 5, 30, null)
                .build();
        assertThat(checker.check(absent).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void compareAndSetSucceedsExactlyWhenTheValueMatches() {
        History history = new HistoryBuilder()
                .ok("c1", compareAndSet("x", null, "1"), 0, 10, true)
                .ok("c2", compareAndSet("x", null, "2"), 20, 30, false)
                .ok("c2", compareAndSet("x", "1", "3"), 40, 50, true)
                .ok("c1", get("x"), 60, 70, "3")
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void twoCompareAndSetsFromOneValueCannotBothSucceed() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "0"), 0, 10)
                .ok("c2", compareAndSet("x", "0", "a"), 20, 40, true)
                .ok("c3", compareAndSet("x", "0", "b"), 20, 40, true)
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void failedCompareAndSetMustHaveSeenAnotherValue() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "0"), 0, 10)
                .ok("c2", compareAndSet("x", "0", "a"), 20, 30, false)
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void indeterminateCompareAndSetMayHaveWritten() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "0"), 0, 10)
                .info("c2", compareAndSet("x", "0", "a"), 20)
                .ok("c3", get("x"), 30, 40, "0")
                .ok("c3", get("x"), 50, 60, "a")
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        History mismatched = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .info("c2", compareAndSet("x", "0", "a"), 20)
                .ok("c3", get("x"), 50, 60, "a")
                .build();
        assertThat(checker.check(mismatched).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void deleteMakesTheKeyAbsent() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .ok("c1", delete("x"), 20, 30)
                .ok("c2", get("x"), 40, 50, null)
                .ok("c2", compareAndSet("x", null, "2"), 60, 70, true)
                .build();

        assertThat(checker.check(history).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        History resurrected = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .ok("c1", delete("x"), 20, 30)
                .ok("c2", get("x"), 40, 50, "1")
                .build();
        assertThat(checker.check(resurrected).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void keysAreCheckedApartAndOnlyTheBrokenOneIsReported() {
        History history = new HistoryBuilder()
                .ok("c1", put("x", "1"), 0, 10)
                .ok("c1", put("y", "1"), 0, 10)
                .ok("c2", get("x"), 20, 30, "1")
                .ok("c2", get("y"), 20, 30, "stale")
                .build();

        CheckResult result = checker.check(history);

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.problems()).extracting(KeyResult::key).containsExactly("y");
        assertThat(result.explanation()).doesNotContain("Key \"x\"");
    }

    @Test
    void explanationPointsAtTheFirstReadThatCannotBeExplained() {
        long ms = 1_000_000;
        HistoryBuilder builder = new HistoryBuilder().ok("c1", put("x", 0L), 0, 10 * ms);
        for (long i = 1; i <= 50; i++) {
            builder.ok("c1", put("x", i), 100 * i * ms, (100 * i + 10) * ms);
            builder.ok("c2", get("x"), (100 * i + 5) * ms, (100 * i + 30) * ms, i == 30 ? i - 2 : i);
        }

        CheckResult result = checker.check(builder.build());

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.explanation())
                .contains("It stops being linearizable when this completes, at 3030.000 ms")
                .contains("c2 get(\"x\") -> 28 ok [3005.000 ms .. 3030.000 ms]")
                .contains("Then the value is 30");
    }

    @Test
    void emptyHistoryIsLinearizable() {
        assertThat(checker.check(new HistoryBuilder().build()).isLinearizable()).isTrue();
    }
}
