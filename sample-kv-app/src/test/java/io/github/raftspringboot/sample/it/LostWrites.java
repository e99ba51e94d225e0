package io.github.raftspringboot.sample.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.raftspringboot.test.history.History;
import io.github.raftspringboot.test.history.KvOperation;
import io.github.raftspringboot.test.history.Operation;
import io.github.raftspringboot.test.history.Outcome;

/**
 * Acknowledged writes that the final reads prove lost, counted apart from the linearizability verdict (which also
 * fails on them) so that the report can say how many. A put P that was acknowledged is lost when a final read of its
 * key (all made after every client stopped) returns
 * <ul>
 * <li>a value whose put had completed before P was invoked: P had to be ordered after that put and before the read, or
 * <li>nothing, while no delete of the key could have been ordered after P (none still running once P was invoked).
 * </ul>
 * Values are unique per put, so neither case can be explained by a later write of the same value: no false alarms.
 */
final class LostWrites {

    private LostWrites() {
    }

    /** The acknowledged puts lost, by the final reads of {@code finalClient}. */
    static List<Operation> in(History history, String finalClient) {
        List<Operation> lost = new ArrayList<>();
        for (List<Operation> operations : history.byKey().values()) {
            List<Operation> finalReads = operations.stream()
                .filter(op -> op.client().equals(finalClient) && op.outcome() == Outcome.OK
                        && op.operation() instanceof KvOperation.Get)
                .toList();
            if (finalReads.isEmpty()) {
                continue;
            }
            Map<Object, Operation> putOfValue = new HashMap<>();
            operations.stream().filter(op -> op.operation() instanceof KvOperation.Put)
                .forEach(op -> putOfValue.put(((KvOperation.Put) op.operation()).value(), op));
            for (Operation put : operations) {
                if (!(put.operation() instanceof KvOperation.Put) || put.outcome() != Outcome.OK
                        || put.client().equals(finalClient)) {
                    continue;
                }
                if (finalReads.stream().anyMatch(read -> provesLost(put, read, putOfValue, operations))) {
                    lost.add(put);
                }
            }
        }
        return lost;
    }

    private static boolean provesLost(Operation put, Operation read, Map<Object, Operation> putOfValue,
            List<Operation> operations) {
        if (read.result() == null) {
            return operations.stream().noneMatch(op -> op.operation() instanceof KvOperation.Delete
                    && op.outcome() != Outcome.FAIL && op.completedAt() > put.invokedAt());
        }
        Operation wrote = putOfValue.get(read.result());
        return wrote != null && !Objects.equals(wrote, put) && wrote.outcome() == Outcome.OK
                && wrote.completedAt() < put.invokedAt();
    }
}
