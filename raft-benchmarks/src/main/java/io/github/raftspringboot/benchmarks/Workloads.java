package io.github.raftspringboot.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.raftspringboot.benchmarks.Workload.Kind;

/** The rows of issue 17's table, and the few of them a quick smoke run measures. */
final class Workloads {

    private static final List<String> QUICK = List.of("put-1", "put-64", "get-lin-64", "get-local-64",
            "mixed-64");

    private Workloads() {
    }

    /** Every workload, in report order, with {@code valueSize} where the row does not name its own size. */
    static List<Workload> all(int valueSize) {
        List<Workload> all = new ArrayList<>();
        for (int clients : new int[] { 1, 16, 64, 256 }) {
            all.add(new Workload("put-" + clients, Kind.PUT, clients, valueSize));
        }
        for (int clients : new int[] { 1, 64 }) {
            all.add(new Workload("get-lin-" + clients, Kind.GET_LINEARIZABLE, clients, valueSize));
        }
        for (int clients : new int[] { 1, 64 }) {
            all.add(new Workload("get-local-" + clients, Kind.GET_LOCAL, clients, valueSize));
        }
        all.add(new Workload("mixed-64", Kind.MIXED_90_10, 64, valueSize));
        all.add(new Workload("put-16-16B", Kind.PUT, 16, 16));
        all.add(new Workload("put-16-1KB", Kind.PUT, 16, 1024));
        all.add(new Workload("put-16-64KB", Kind.PUT, 16, 64 * 1024));
        all.add(new Workload("cas-16", Kind.CAS, 16, valueSize));
        return all;
    }

    static List<Workload> quick(int valueSize) {
        return select(String.join(",", QUICK), valueSize);
    }

    /** The named workloads, in the order given: {@code put-1,get-lin-64}. */
    static List<Workload> select(String names, int valueSize) {
        Map<String, Workload> byName = new LinkedHashMap<>();
        all(valueSize).forEach(workload -> byName.put(workload.name(), workload));
        List<Workload> selected = new ArrayList<>();
        for (String name : names.split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            Workload workload = byName.get(trimmed);
            if (workload == null) {
                throw new IllegalArgumentException("Unknown workload '" + trimmed + "': use one or more of "
                        + String.join(", ", byName.keySet()) + ", separated by commas");
            }
            selected.add(workload);
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("No workload selected: name at least one, e.g. --workloads=put-64");
        }
        return selected;
    }
}
