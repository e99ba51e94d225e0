package io.github.raftspringboot.test.history;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Linearizability by definition, to test {@link LinearizabilityChecker} against: tries every order of the whole
 * (multi-key) history that respects real time, where each indeterminate operation is either placed or left out,
 * against its own sequential map. Exponential: for histories of a handful of operations only.
 */
final class BruteForceChecker {

    private static final Object ILLEGAL = new Object();

    private final List<Operation> operations;

    private BruteForceChecker(History history) {
        this.operations = history.operations().stream().filter(op -> op.outcome() != Outcome.FAIL).toList();
        if (operations.size() > 12) {
            throw new IllegalArgumentException("Brute force is for small histories, got " + operations.size());
        }
    }

    static boolean isLinearizable(History history) {
        BruteForceChecker checker = new BruteForceChecker(history);
        return checker.search(0, new HashMap<>());
    }

    private boolean search(int placed, Map<String, Object> store) {
        if (allAnsweredPlaced(placed)) {
            return true;
        }
        for (int i = 0; i < operations.size(); i++) {
            if ((placed & (1 << i)) != 0 || !predecessorsPlaced(i, placed)) {
                continue;
            }
            Map<String, Object> next = new HashMap<>(store);
            if (apply(operations.get(i), next) && search(placed | (1 << i), next)) {
                return true;
            }
        }
        return false;
    }

    private boolean allAnsweredPlaced(int placed) {
        for (int i = 0; i < operations.size(); i++) {
            if (operations.get(i).outcome() == Outcome.OK && (placed & (1 << i)) == 0) {
                return false;
            }
        }
        return true;
    }

    private boolean predecessorsPlaced(int candidate, int placed) {
        Operation operation = operations.get(candidate);
        for (int j = 0; j < operations.size(); j++) {
            if ((placed & (1 << j)) == 0 && operations.get(j).completedAt() < operation.invokedAt()) {
                return false;
            }
        }
        return true;
    }

    /** The map's own rules, written apart from {@code RegisterModel} so that a shared mistake cannot hide. */
    private static boolean apply(Operation operation, Map<String, Object> store) {
        boolean answered = operation.outcome() == Outcome.OK;
        KvOperation op = operation.operation();
        Object current = store.get(op.key());
        if (op instanceof KvOperation.Put put) {
            store.put(put.key(), put.value());
            return true;
        }
        if (op instanceof KvOperation.Delete) {
            store.remove(op.key());
            return true;
        }
        if (op instanceof KvOperation.Get) {
            return !answered || Objects.equals(current, operation.result());
        }
        KvOperation.CompareAndSet cas = (KvOperation.CompareAndSet) op;
        boolean swaps = Objects.equals(current, cas.expected());
        if (answered && !operation.result().equals(swaps)) {
            return false;
        }
        if (swaps) {
            store.put(cas.key(), cas.newValue());
        }
        return true;
    }
}
