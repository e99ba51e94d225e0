package io.github.raftspringboot.test.history;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The check of a whole history: not linearizable if any key is not, unknown if no key is not but some search ran
 * out of time, linearizable otherwise.
 */
public record CheckResult(Verdict verdict, List<KeyResult> keys) {

    public CheckResult {
        keys = List.copyOf(keys);
    }

    static CheckResult of(List<KeyResult> keys) {
        Verdict verdict = Verdict.LINEARIZABLE;
        for (KeyResult key : keys) {
            if (key.verdict() == Verdict.NOT_LINEARIZABLE) {
                verdict = Verdict.NOT_LINEARIZABLE;
                break;
            }
            if (key.verdict() == Verdict.UNKNOWN) {
                verdict = Verdict.UNKNOWN;
            }
        }
        return new CheckResult(verdict, keys);
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    /** The keys that are not linearizable, or whose search ran out of time. */
    public List<KeyResult> problems() {
        return keys.stream().filter(key -> key.verdict() != Verdict.LINEARIZABLE).toList();
    }

    /** One paragraph per key with a problem, or one line if there is none: fit for an assertion message. */
    public String explanation() {
        if (isLinearizable()) {
            return "Linearizable: " + keys.size() + " keys, "
                    + keys.stream().mapToInt(KeyResult::operations).sum() + " operations ordered.";
        }
        return problems().stream().map(KeyResult::explanation).collect(Collectors.joining("\n\n"));
    }

    @Override
    public String toString() {
        return verdict + ": " + explanation();
    }
}
