package io.github.raftspringboot.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A transaction: if every compare holds, the {@code success} operations run, otherwise the {@code failure} ones, all
 * in one log entry, so no other write comes between the compares and the operations. Build one with
 * {@code Txn.when(TxnCompare.valueEquals("a", 1)).then(TxnOp.put("a", 2)).orElse(TxnOp.get("a"))}.
 *
 * @param compare the conditions, all of which must hold (none: always true)
 * @param success the operations run when they hold
 * @param failure the operations run when one does not
 */
public record Txn(List<TxnCompare> compare, List<TxnOp> success, List<TxnOp> failure) {

    public Txn {
        compare = List.copyOf(requireList(compare, "compare"));
        success = List.copyOf(requireList(success, "success"));
        failure = List.copyOf(requireList(failure, "failure"));
    }

    /** A transaction with these conditions and no operations yet. */
    public static Txn when(TxnCompare... compares) {
        return new Txn(java.util.Arrays.asList(compares), List.of(), List.of());
    }

    /** This transaction with {@code ops} added to its success branch. */
    public Txn then(TxnOp... ops) {
        List<TxnOp> more = new ArrayList<>(success);
        more.addAll(java.util.Arrays.asList(ops));
        return new Txn(compare, more, failure);
    }

    /** This transaction with {@code ops} added to its failure branch. */
    public Txn orElse(TxnOp... ops) {
        List<TxnOp> more = new ArrayList<>(failure);
        more.addAll(java.util.Arrays.asList(ops));
        return new Txn(compare, success, more);
    }

    private static <T> List<T> requireList(List<T> list, String name) {
        if (list == null || list.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("The transaction's " + name + " list must not be null nor hold null");
        }
        return list;
    }
}
