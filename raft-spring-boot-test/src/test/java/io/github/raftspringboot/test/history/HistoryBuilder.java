package io.github.raftspringboot.test.history;

import java.util.ArrayList;
import java.util.List;

/** Histories written by hand, with times in plain numbers, for tests that need exact overlaps. */
final class HistoryBuilder {

    private final List<Operation> operations = new ArrayList<>();

    HistoryBuilder ok(String client, KvOperation operation, long invokedAt, long completedAt, Object result) {
        operations.add(Operation.ok(operations.size(), client, operation, invokedAt, completedAt, result));
        return this;
    }

    HistoryBuilder ok(String client, KvOperation operation, long invokedAt, long completedAt) {
        return ok(client, operation, invokedAt, completedAt, null);
    }

    HistoryBuilder info(String client, KvOperation operation, long invokedAt) {
        operations.add(Operation.info(operations.size(), client, operation, invokedAt));
        return this;
    }

    HistoryBuilder fail(String client, KvOperation operation, long invokedAt, long completedAt) {
        operations.add(Operation.fail(operations.size(), client, operation, invokedAt, completedAt));
        return this;
    }

    History build() {
        return History.of(operations);
    }
}
