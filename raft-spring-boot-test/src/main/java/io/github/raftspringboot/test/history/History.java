package io.github.raftspringboot.test.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable history of operations, as recorded by {@link HistoryRecorder} or built by hand in tests, ordered by
 * invocation time.
 */
public final class History {

    private final List<Operation> operations;

    private History(List<Operation> operations) {
        this.operations = operations;
    }

    public static History of(Collection<Operation> operations) {
        List<Operation> sorted = new ArrayList<>(operations);
        sorted.sort(Comparator.comparingLong(Operation::invokedAt).thenComparingLong(Operation::id));
        Set<Long> ids = new HashSet<>();
        for (Operation operation : sorted) {
            if (!ids.add(operation.id())) {
                throw new IllegalArgumentException("Two operations share id " + operation.id()
                        + "; give each operation of a history its own id");
            }
        }
        return new History(List.copyOf(sorted));
    }

    public List<Operation> operations() {
        return operations;
    }

    public int size() {
        return operations.size();
    }

    /** The first invocation time: explanations show times relative to it. */
    public long origin() {
        return operations.isEmpty() ? 0 : operations.get(0).invokedAt();
    }

    /** How many operations ended each way, e.g. for a run's summary line. */
    public Map<Outcome, Long> countByOutcome() {
        Map<Outcome, Long> counts = new LinkedHashMap<>();
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, operations.stream().filter(op -> op.outcome() == outcome).count());
        }
        return counts;
    }

    /**
     * Each key's operations, in order of first appearance. A key-value store is linearizable exactly when each
     * key's register is (linearizability is compositional), which keeps every search small.
     */
    public Map<String, List<Operation>> byKey() {
        Map<String, List<Operation>> keys = new LinkedHashMap<>();
        for (Operation operation : operations) {
            keys.computeIfAbsent(operation.key(), key -> new ArrayList<>()).add(operation);
        }
        return keys;
    }

    @Override
    public String toString() {
        return "History" + countByOutcome() + " over " + byKey().size() + " keys";
    }
}
