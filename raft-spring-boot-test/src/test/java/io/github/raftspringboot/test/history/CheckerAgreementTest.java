package io.github.raftspringboot.test.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The search against the definition: on thousands of small random histories (several keys, ties, lost answers,
 * refusals), {@link LinearizabilityChecker} must agree with {@link BruteForceChecker}, which tries every order.
 * Fixed seeds keep a failure reproducible; the failing history is in the assertion message.
 */
class CheckerAgreementTest {

    private static final int HISTORIES = 2000;

    private static final int MAX_SIZE = 7;

    /** Short gaps and spans: many overlaps and equal timestamps. */
    private static final SimulatedHistories.Shape CROWDED = new SimulatedHistories.Shape(3, 2, 3, 3, 3, 0.15, 0.1);

    /** One key, few values, no lost answers: the register's own rules under heavy overlap. */
    private static final SimulatedHistories.Shape ONE_KEY = new SimulatedHistories.Shape(4, 1, 2, 2, 4, 0, 0);

    /** Mostly sequential, with many lost answers. */
    private static final SimulatedHistories.Shape SPARSE = new SimulatedHistories.Shape(2, 1, 3, 10, 2, 0.3, 0.1);

    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    @Test
    void agreesWithBruteForceOnSimulatedLinearizableHistories() {
        Map<Boolean, Integer> verdicts = compare(1L, SimulatedHistories::linearizable);

        assertThat(verdicts.get(false)).as("a simulated correct store is never flagged").isZero();
    }

    @Test
    void agreesWithBruteForceOnHistoriesWithMadeUpResults() {
        Map<Boolean, Integer> verdicts = compare(2L, SimulatedHistories::arbitrary);

        assertThat(verdicts.get(false)).as("most made-up histories are violations").isGreaterThan(HISTORIES);
        assertThat(verdicts.get(true)).as("some made-up histories happen to be fine").isGreaterThan(100);
    }

    @Test
    void agreesWithBruteForceOnNearMisses() {
        Map<Boolean, Integer> verdicts = compare(3L, SimulatedHistories::mutated);

        assertThat(verdicts.get(false)).as("violations among near misses").isGreaterThan(HISTORIES / 2);
        assertThat(verdicts.get(true)).as("near misses that are still linearizable").isGreaterThan(100);
    }

    private interface Generator {
        History generate(SimulatedHistories simulation, int size, SimulatedHistories.Shape shape);
    }

    /** Runs both checkers on {@link #HISTORIES} histories of each shape; returns how often each verdict came. */
    private Map<Boolean, Integer> compare(long seed, Generator generator) {
        SimulatedHistories simulation = new SimulatedHistories(seed);
        Map<Boolean, Integer> verdicts = new java.util.HashMap<>(Map.of(true, 0, false, 0));
        for (SimulatedHistories.Shape shape : new SimulatedHistories.Shape[] { CROWDED, ONE_KEY, SPARSE }) {
            for (int i = 0; i < HISTORIES; i++) {
                History history = generator.generate(simulation, 1 + i % MAX_SIZE, shape);
                boolean expected = BruteForceChecker.isLinearizable(history);
                CheckResult actual = checker.check(history);
                assertThat(actual.verdict()).as("seed %d, history %d of %s:%n%s%nchecker said: %s", seed, i, shape,
                        describe(history), actual.explanation())
                        .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
                verdicts.merge(expected, 1, Integer::sum);
            }
        }
        return verdicts;
    }

    private static String describe(History history) {
        StringBuilder text = new StringBuilder();
        history.operations().forEach(op -> text.append("  ").append(op.describe(0)).append('\n'));
        return text.toString();
    }
}
