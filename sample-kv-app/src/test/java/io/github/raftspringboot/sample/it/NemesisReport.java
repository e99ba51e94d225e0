package io.github.raftspringboot.sample.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.raftspringboot.test.history.CheckResult;
import io.github.raftspringboot.test.history.History;
import io.github.raftspringboot.test.history.KeyResult;
import io.github.raftspringboot.test.history.Operation;
import io.github.raftspringboot.test.history.Outcome;

/**
 * The fault suite's figures per kind of fault: the operations on the keys of its phases (ok / fail / info), how many
 * faults, the time from each to the next acknowledged write, lost acknowledged writes and keys found not linearizable.
 */
final class NemesisReport {

    private static final String WARM_UP = "before the first fault";

    private NemesisReport() {
    }

    static String render(String title, History history, CheckResult result, List<Operation> lost, Nemesis nemesis) {
        Map<String, String> kindOfPhase = new LinkedHashMap<>();
        nemesis.phases().forEach((phase, kind) -> kindOfPhase.put(phase, kind.description()));
        Function<String, String> kindOfKey = key -> kindOfPhase.getOrDefault(phaseOf(key), WARM_UP);

        Map<String, long[]> rows = new LinkedHashMap<>();
        rows.put(WARM_UP, new long[6]);
        nemesis.phases().values().forEach(kind -> rows.putIfAbsent(kind.description(), new long[6]));
        for (Operation op : history.operations()) {
            long[] row = rows.get(kindOfKey.apply(op.key()));
            row[0]++;
            row[op.outcome() == Outcome.OK ? 1 : op.outcome() == Outcome.FAIL ? 2 : 3]++;
        }
        lost.forEach(op -> rows.get(kindOfKey.apply(op.key()))[4]++);
        for (KeyResult key : result.problems()) {
            rows.get(kindOfKey.apply(key.key()))[5]++;
        }
        Map<String, Integer> faults = new LinkedHashMap<>();
        nemesis.phases().values().forEach(kind -> faults.merge(kind.description(), 1, Integer::sum));
        Map<String, List<Duration>> recoveries = new LinkedHashMap<>();
        nemesis.recoveries().forEach((kind, times) -> recoveries.put(kind.description(), times));

        StringBuilder text = new StringBuilder(title).append('\n');
        text.append(String.format("  %-66s %6s %6s %5s %5s %6s %5s %5s  %s%n", "nemesis", "faults", "ops", "ok",
                "fail", "info", "lost", "viol", "fault -> next acknowledged write (ms)"));
        long[] total = new long[6];
        for (Map.Entry<String, long[]> row : rows.entrySet()) {
            long[] n = row.getValue();
            for (int i = 0; i < total.length; i++) {
                total[i] += n[i];
            }
            text.append(String.format("  %-66s %6d %6d %5d %5d %6d %5d %5d  %s%n", row.getKey(),
                    faults.getOrDefault(row.getKey(), 0), n[0], n[1], n[2], n[3], n[4], n[5],
                    millis(recoveries.getOrDefault(row.getKey(), List.of()))));
        }
        text.append(String.format("  %-66s %6d %6d %5d %5d %6d %5d %5d  longest %d ms%n", "total",
                faults.values().stream().mapToInt(Integer::intValue).sum(), total[0], total[1], total[2], total[3],
                total[4], total[5], nemesis.longestRecovery().toMillis()));
        text.append("  verdict: ").append(result.verdict());
        return text.toString();
    }

    private static String millis(List<Duration> times) {
        List<Long> values = new ArrayList<>();
        times.forEach(time -> values.add(time.toMillis()));
        return values.isEmpty() ? "-" : values.toString();
    }

    /** Keys are {@code <phase>-g<generation>-k<n>}. */
    private static String phaseOf(String key) {
        int dash = key.indexOf('-');
        return (dash > 0) ? key.substring(0, dash) : key;
    }
}
