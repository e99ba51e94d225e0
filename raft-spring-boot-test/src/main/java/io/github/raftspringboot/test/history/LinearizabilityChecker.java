package io.github.raftspringboot.test.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Checks that a key-value history is linearizable: that there is one order of its operations, each taking effect
 * at an instant between its invocation and its completion, in which every read sees the last write before it and
 * every compare-and-set succeeds exactly when the value matched. Each key is checked on its own
 * ({@link History#byKey()}) with a {@link WglSearch}; failed operations are dropped and indeterminate
 * ({@link Outcome#INFO}) ones may take effect at any time after their invocation, or never.
 *
 * <pre>{@code
 * CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(60)).check(recorder.history());
 * assertThat(result.verdict()).as(result.explanation()).isEqualTo(Verdict.LINEARIZABLE);
 * }</pre>
 *
 * <p>For a key that is not linearizable, the checker also finds the shortest prefix of its history that is not
 * (by a binary search on completion times), so the explanation points at the first answer that cannot be
 * explained rather than at wherever the search happened to give up.
 */
public final class LinearizabilityChecker {

    private final Duration budget;

    /** With a budget of one minute per key. */
    public LinearizabilityChecker() {
        this(Duration.ofMinutes(1));
    }

    /**
     * @param budget the time one key's search may take before its verdict is {@link Verdict#UNKNOWN} (explaining a
     *        violation may take as long again): CPU time of the calling thread, which a loaded machine does not
     *        shorten, where the JVM measures it; else wall-clock time
     */
    public LinearizabilityChecker(Duration budget) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("The search budget must be positive, got " + budget);
        }
        this.budget = budget;
    }

    public CheckResult check(History history) {
        Objects.requireNonNull(history, "history");
        List<KeyResult> results = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> key : history.byKey().entrySet()) {
            results.add(checkKey(key.getKey(), key.getValue(), history.origin()));
        }
        return CheckResult.of(results);
    }

    private KeyResult checkKey(String key, List<Operation> operations, long origin) {
        List<Operation> relevant = operations.stream().filter(RegisterModel::constrains).toList();
        SearchOutcome outcome = WglSearch.run(relevant, deadline());
        return switch (outcome.verdict()) {
            case LINEARIZABLE -> new KeyResult(key, Verdict.LINEARIZABLE, relevant.size(),
                    "Key " + Values.show(key) + " is linearizable (" + relevant.size() + " operations).");
            case UNKNOWN -> new KeyResult(key, Verdict.UNKNOWN, relevant.size(), "Key " + Values.show(key)
                    + ": no answer within " + budget + " (" + relevant.size() + " operations); give the check a "
                    + "larger budget or record a shorter history.");
            case NOT_LINEARIZABLE -> new KeyResult(key, Verdict.NOT_LINEARIZABLE, relevant.size(),
                    explainViolation(key, operations, relevant.size(), outcome, origin));
        };
    }

    private String explainViolation(String key, List<Operation> operations, int searched, SearchOutcome whole,
            long origin) {
        long deadline = deadline();
        // Cut points: completion times of answered operations. Prefixes only add constraints as the cut grows,
        // so the verdict is monotonic and a binary search finds the first cut that is not linearizable.
        List<Long> cuts = new ArrayList<>(new TreeSet<>(operations.stream()
                .filter(op -> op.outcome() == Outcome.OK).map(Operation::completedAt).toList()));
        int low = 0;
        int high = cuts.size() - 1;
        SearchOutcome smallest = whole;
        long cut = Long.MAX_VALUE;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            SearchOutcome prefix = WglSearch.run(prefix(operations, cuts.get(middle)), deadline);
            if (prefix.verdict() == Verdict.UNKNOWN) {
                return ViolationReport.of(key, searched, Long.MAX_VALUE, List.of(), whole, origin);
            }
            if (prefix.verdict() == Verdict.NOT_LINEARIZABLE) {
                smallest = prefix;
                cut = cuts.get(middle);
                high = middle - 1;
            }
            else {
                low = middle + 1;
            }
        }
        long at = cut;
        List<Operation> culprits = operations.stream()
                .filter(op -> op.outcome() == Outcome.OK && op.completedAt() == at).toList();
        return ViolationReport.of(key, searched, cut, culprits, smallest, origin);
    }

    /**
     * The operations invoked by {@code cut}, as a client would have seen them then: those not yet answered are
     * indeterminate.
     */
    private static List<Operation> prefix(List<Operation> operations, long cut) {
        List<Operation> prefix = new ArrayList<>();
        for (Operation op : operations) {
            if (op.invokedAt() > cut) {
                continue;
            }
            Operation seen = op.completedAt() <= cut ? op
                    : Operation.info(op.id(), op.client(), op.operation(), op.invokedAt());
            if (RegisterModel.constrains(seen)) {
                prefix.add(seen);
            }
        }
        return prefix;
    }

    private long deadline() {
        return SearchClock.now() + budget.toNanos();
    }
}
