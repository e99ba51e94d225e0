package io.github.raftspringboot.test.history;

import java.util.List;

/**
 * What one search found. For a violation: the longest order of operations the search could build (each with the
 * register's value after it), the operation whose completion it could not get past, the value at that point and
 * the operations that were candidates to take effect next (none of which could).
 */
record SearchOutcome(Verdict verdict, List<Step> longestOrder, Operation blocked, Object blockedState,
        List<Operation> candidates) {

    record Step(Operation operation, Object stateAfter) {
    }

    static SearchOutcome linearizable() {
        return new SearchOutcome(Verdict.LINEARIZABLE, List.of(), null, null, List.of());
    }

    static SearchOutcome unknown() {
        return new SearchOutcome(Verdict.UNKNOWN, List.of(), null, null, List.of());
    }

    static SearchOutcome violation(List<Step> longestOrder, Operation blocked, Object blockedState,
            List<Operation> candidates) {
        return new SearchOutcome(Verdict.NOT_LINEARIZABLE, List.copyOf(longestOrder), blocked, blockedState,
                List.copyOf(candidates));
    }
}
