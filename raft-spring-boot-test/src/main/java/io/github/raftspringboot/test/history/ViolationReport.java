package io.github.raftspringboot.test.history;

import java.util.List;

/** Writes the explanation of a key that is not linearizable, for a person reading a failed test. */
final class ViolationReport {

    /** Longer orders are shown by their last steps only: the end is where it went wrong. */
    private static final int SHOWN_STEPS = 10;

    private static final int SHOWN_CANDIDATES = 20;

    private ViolationReport() {
    }

    /**
     * @param cut the completion time after which the history stopped being linearizable, or {@link Long#MAX_VALUE}
     *        if the smallest failing prefix could not be found in time
     * @param culprits the operations that completed at {@code cut}
     * @param outcome the search of that prefix (or of the whole key)
     */
    static String of(String key, int searched, long cut, List<Operation> culprits, SearchOutcome outcome,
            long origin) {
        StringBuilder text = new StringBuilder();
        text.append("Key ").append(Values.show(key)).append(" is NOT linearizable (").append(searched)
                .append(" operations).\n");
        if (cut != Long.MAX_VALUE) {
            text.append("It stops being linearizable when this completes, at ").append(Values.millis(cut, origin))
                    .append(" (operations still running then count as may-or-may-not have happened):\n");
            culprits.forEach(op -> text.append("  ").append(op.describe(origin)).append('\n'));
        }
        List<SearchOutcome.Step> order = outcome.longestOrder();
        text.append("Longest order found that respects real time and the register (").append(order.size())
                .append(" operations)");
        if (order.isEmpty()) {
            text.append(": none, the first operation already fails.\n");
        }
        else {
            text.append(order.size() > SHOWN_STEPS ? ", last " + SHOWN_STEPS + ":\n" : ":\n");
            for (SearchOutcome.Step step : order.subList(Math.max(0, order.size() - SHOWN_STEPS), order.size())) {
                text.append("  ").append(step.operation().describe(origin)).append("  => ")
                        .append(Values.show(step.stateAfter())).append('\n');
            }
        }
        text.append("Then the value is ").append(Values.show(outcome.blockedState())).append(", and ")
                .append(outcome.blocked().describe(origin))
                .append(" must take effect before it completes, but none of the operations that could go next can ")
                .append("(each either contradicts that value or leads to a state already explored):\n");
        List<Operation> candidates = outcome.candidates();
        candidates.stream().limit(SHOWN_CANDIDATES)
                .forEach(op -> text.append("  ").append(op.describe(origin)).append('\n'));
        if (candidates.size() > SHOWN_CANDIDATES) {
            text.append("  ... and ").append(candidates.size() - SHOWN_CANDIDATES).append(" more\n");
        }
        return text.toString().stripTrailing();
    }
}
