package io.github.raftspringboot.test.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A history the size of a fault-suite run must check in reasonable time. The bound is generous (the machine is
 * shared): it catches a search that lost its memoization, not a slowdown.
 */
class CheckerPerformanceTest {

    @Test
    @Timeout(60)
    void tenThousandOperationsOfEightClientsOnFiveKeysCheckQuickly() {
        SimulatedHistories.Shape shape = new SimulatedHistories.Shape(8, 5, 0, 20, 10, 0.01, 0.01);
        History history = new SimulatedHistories(42).linearizable(10_000, shape);

        long started = System.nanoTime();
        CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(30)).check(history);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.verdict()).as(result.explanation()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.keys()).hasSize(5);
        assertThat(took).isLessThan(Duration.ofSeconds(30));
    }

    /** A search that would take long (a violation on 2,000 operations with open lost writes) stops at its budget. */
    @Test
    @Timeout(60)
    void aSearchBeyondItsBudgetEndsUnknown() {
        SimulatedHistories.Shape shape = new SimulatedHistories.Shape(8, 1, 0, 20, 10, 0.01, 0.0);
        History history = new SimulatedHistories(44).linearizable(2_000, shape);
        long end = history.operations().stream().mapToLong(op -> op.outcome() == Outcome.INFO ? op.invokedAt()
                : op.completedAt()).max().orElseThrow();
        java.util.List<Operation> operations = new java.util.ArrayList<>(history.operations());
        operations.add(Operation.ok(history.size(), "stale-reader", KvOperation.get("k0"), end + 1, end + 2,
                "never written"));

        CheckResult result = new LinearizabilityChecker(Duration.ofMillis(50)).check(History.of(operations));

        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.isLinearizable()).isFalse();
        assertThat(result.explanation()).contains("Key \"k0\": no answer within PT0.05S")
                .contains("give the check a larger budget");
    }

    /**
     * Proving a violation means exhausting every order, and each indeterminate write still open multiplies them:
     * a fault suite keeps each key's history short (here 200 operations) by moving on to new keys, as Jepsen's
     * independent-keys workloads do.
     */
    @Test
    @Timeout(60)
    void aStaleReadInALongHistoryIsFoundAndPinpointed() {
        SimulatedHistories.Shape shape = new SimulatedHistories.Shape(8, 50, 0, 20, 10, 0.01, 0.01);
        History history = new SimulatedHistories(43).linearizable(10_000, shape);
        Operation last = history.operations().get(history.size() - 1);
        long end = history.operations().stream().mapToLong(op -> op.outcome() == Outcome.INFO ? op.invokedAt()
                : op.completedAt()).max().orElseThrow();
        // A read, after everything ended, of a value no client wrote: no order can explain it.
        Operation stale = Operation.ok(history.size(), "stale-reader", KvOperation.get(last.key()), end + 1,
                end + 2, "never written");
        java.util.List<Operation> operations = new java.util.ArrayList<>(history.operations());
        operations.add(stale);

        CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(30)).check(History.of(operations));

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.problems()).extracting(KeyResult::key).containsExactly(last.key());
        assertThat(result.explanation()).contains("stale-reader get(\"" + last.key() + "\") -> \"never written\" ok");
    }
}
