package io.github.raftspringboot.test.fault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which node can send to which, among nodes {@code 0..n-1}: the shape of a network partition, as Jepsen's nemeses
 * name them. Immutable; {@link #and} combines two shapes (a message passes only if both let it).
 */
public final class Connectivity {

    private final boolean[][] canSend;

    private final String name;

    private Connectivity(boolean[][] canSend, String name) {
        this.canSend = canSend;
        this.name = name;
    }

    /** Everyone reaches everyone. */
    public static Connectivity full(int nodes) {
        return new Connectivity(matrix(nodes, (from, to) -> true), "full");
    }

    /** {@code node} can neither send to nor hear from anyone; the others are connected. */
    public static Connectivity isolate(int nodes, int node) {
        check(nodes, node);
        return new Connectivity(matrix(nodes, (from, to) -> from != node && to != node), "isolate " + node);
    }

    /** {@code side} and the other nodes form two groups that cannot reach each other (e.g. majority/minority). */
    public static Connectivity split(int nodes, Collection<Integer> side) {
        Set<Integer> group = group(nodes, side);
        return new Connectivity(matrix(nodes, (from, to) -> group.contains(from) == group.contains(to)),
                "split " + group + " | " + rest(nodes, group));
    }

    /**
     * The others split into two halves that cannot reach each other, and {@code bridge} reaches both: each half
     * with the bridge may be a majority, which tests that two leaders cannot both commit.
     */
    public static Connectivity bridge(int nodes, int bridge) {
        check(nodes, bridge);
        List<Integer> others = new ArrayList<>();
        for (int node = 0; node < nodes; node++) {
            if (node != bridge) {
                others.add(node);
            }
        }
        Set<Integer> left = new TreeSet<>(others.subList(0, others.size() / 2));
        return new Connectivity(matrix(nodes, (from, to) -> from == bridge || to == bridge
                || left.contains(from) == left.contains(to)),
                "bridge " + bridge + " between " + left + " and " + rest(nodes, union(left, bridge)));
    }

    /** Messages from {@code from} to {@code to} are lost (requests and responses alike); all else passes. */
    public static Connectivity oneWay(int nodes, int from, int to) {
        check(nodes, from);
        check(nodes, to);
        return new Connectivity(matrix(nodes, (f, t) -> !(f == from && t == to)), "one-way " + from + "-/->" + to);
    }

    /** A message passes only if both this and {@code other} let it. */
    public Connectivity and(Connectivity other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException("Cannot combine shapes of " + size() + " and " + other.size()
                    + " nodes");
        }
        return new Connectivity(matrix(size(), (from, to) -> canSend(from, to) && other.canSend(from, to)),
                name + " and " + other.name);
    }

    public int size() {
        return canSend.length;
    }

    public boolean canSend(int from, int to) {
        return canSend[from][to];
    }

    /** The directed links that are cut, as {@code from->to}. */
    public List<String> cutLinks() {
        List<String> cut = new ArrayList<>();
        for (int from = 0; from < size(); from++) {
            for (int to = 0; to < size(); to++) {
                if (from != to && !canSend[from][to]) {
                    cut.add(from + "->" + to);
                }
            }
        }
        return cut;
    }

    @Override
    public String toString() {
        return name + " (cut: " + (cutLinks().isEmpty() ? "none" : String.join(", ", cutLinks())) + ")";
    }

    private interface LinkRule {
        boolean canSend(int from, int to);
    }

    private static boolean[][] matrix(int nodes, LinkRule rule) {
        if (nodes < 1) {
            throw new IllegalArgumentException("A cluster has at least one node, got " + nodes);
        }
        boolean[][] matrix = new boolean[nodes][nodes];
        for (int from = 0; from < nodes; from++) {
            for (int to = 0; to < nodes; to++) {
                matrix[from][to] = from == to || rule.canSend(from, to);
            }
        }
        return matrix;
    }

    private static void check(int nodes, int node) {
        if (node < 0 || node >= nodes) {
            throw new IllegalArgumentException("No node " + node + " among nodes 0.." + (nodes - 1));
        }
    }

    private static Set<Integer> group(int nodes, Collection<Integer> side) {
        Set<Integer> group = new TreeSet<>();
        for (int node : side) {
            check(nodes, node);
            group.add(node);
        }
        return group;
    }

    private static Set<Integer> rest(int nodes, Set<Integer> group) {
        Set<Integer> rest = new TreeSet<>();
        for (int node = 0; node < nodes; node++) {
            if (!group.contains(node)) {
                rest.add(node);
            }
        }
        return rest;
    }

    private static Set<Integer> union(Set<Integer> group, int node) {
        Set<Integer> union = new TreeSet<>(group);
        union.add(node);
        return union;
    }
}
