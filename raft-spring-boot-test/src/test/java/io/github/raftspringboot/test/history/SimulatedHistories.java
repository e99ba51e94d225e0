package io.github.raftspringboot.test.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Random histories for testing the checker: linearizable ones from a simulated store whose operations each take
 * effect at a random instant within their call, and arbitrary ones with made-up results.
 */
final class SimulatedHistories {

    /**
     * @param clients concurrent clients, each with one operation in flight at a time (after a timeout it goes on)
     * @param keys how many keys, named k0, k1, ...
     * @param values how many distinct values writes choose from; {@code 0}: every write a new value
     * @param maxGap most time units a client waits between operations; small values make ties likely
     * @param maxSpan most time units between invocation and effect, and between effect and answer
     * @param infoRate share of operations whose answer is lost (half of them still take effect)
     * @param failRate share of operations refused without effect
     */
    record Shape(int clients, int keys, int values, int maxGap, int maxSpan, double infoRate, double failRate) {
    }

    private final Random random;

    SimulatedHistories(long seed) {
        this.random = new Random(seed);
    }

    /** A history a correct store could have produced. */
    History linearizable(int size, Shape shape) {
        List<Planned> planned = plan(size, shape);
        List<Planned> byEffect = new ArrayList<>(planned);
        byEffect.sort(Comparator.comparingLong(Planned::effectAt).thenComparingInt(Planned::tieBreak));
        Map<String, Object> store = new HashMap<>();
        Map<Planned, Object> results = new IdentityHashMap<>();
        for (Planned p : byEffect) {
            if (p.takesEffect) {
                results.put(p, apply(p.operation, store));
            }
        }
        List<Operation> operations = new ArrayList<>();
        for (Planned p : planned) {
            operations.add(new Operation(operations.size(), p.client, p.operation, p.invokedAt, p.completedAt,
                    p.outcome, results.get(p)));
        }
        return History.of(operations);
    }

    /** A history with the same timing but results picked at random: usually not linearizable. */
    History arbitrary(int size, Shape shape) {
        List<Operation> operations = new ArrayList<>();
        for (Planned p : plan(size, shape)) {
            Object result = p.operation instanceof KvOperation.CompareAndSet ? random.nextBoolean()
                    : randomValueOrAbsent(shape);
            operations.add(new Operation(operations.size(), p.client, p.operation, p.invokedAt, p.completedAt,
                    p.outcome, result));
        }
        return History.of(operations);
    }

    /** A linearizable history with one answered read or compare-and-set given another result: a near miss. */
    History mutated(int size, Shape shape) {
        List<Operation> operations = new ArrayList<>(linearizable(size, shape).operations());
        List<Integer> answered = new ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            if (op.outcome() == Outcome.OK && !(op.operation() instanceof KvOperation.Put
                    || op.operation() instanceof KvOperation.Delete)) {
                answered.add(i);
            }
        }
        if (!answered.isEmpty()) {
            int i = answered.get(random.nextInt(answered.size()));
            Operation op = operations.get(i);
            Object result = op.operation() instanceof KvOperation.CompareAndSet ? !((Boolean) op.result())
                    : otherValue(op.result(), shape);
            operations.set(i, new Operation(op.id(), op.client(), op.operation(), op.invokedAt(), op.completedAt(),
                    op.outcome(), result));
        }
        return History.of(operations);
    }

    private List<Planned> plan(int size, Shape shape) {
        long[] freeAt = new long[shape.clients()];
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int client = random.nextInt(shape.clients());
            long invokedAt = freeAt[client] + random.nextInt(shape.maxGap() + 1);
            long effectAt = invokedAt + random.nextInt(shape.maxSpan() + 1);
            long answeredAt = effectAt + random.nextInt(shape.maxSpan() + 1);
            double roll = random.nextDouble();
            Outcome outcome = roll < shape.infoRate() ? Outcome.INFO
                    : roll < shape.infoRate() + shape.failRate() ? Outcome.FAIL : Outcome.OK;
            boolean takesEffect = outcome == Outcome.OK || outcome == Outcome.INFO && random.nextBoolean();
            // A client that timed out goes on after its timeout; its lost operation may still take effect later.
            freeAt[client] = answeredAt;
            planned.add(new Planned("c" + client, randomOperation(shape), invokedAt, effectAt,
                    outcome == Outcome.INFO ? Long.MAX_VALUE : answeredAt, outcome, takesEffect, random.nextInt()));
        }
        return planned;
    }

    private KvOperation randomOperation(Shape shape) {
        String key = "k" + random.nextInt(shape.keys());
        return switch (random.nextInt(5)) {
            case 0, 1 -> KvOperation.get(key);
            case 2 -> KvOperation.put(key, newValue(shape));
            case 3 -> KvOperation.delete(key);
            default -> KvOperation.compareAndSet(key, randomValueOrAbsent(shape), newValue(shape));
        };
    }

    private long nextUnique;

    private Object newValue(Shape shape) {
        if (shape.values() == 0) {
            return nextUnique++;
        }
        int value = random.nextInt(shape.values());
        // Strings and longs both: equality, not identity or type, must decide.
        return random.nextBoolean() ? (Object) Long.valueOf(value) : "v" + value;
    }

    private Object randomValueOrAbsent(Shape shape) {
        if (random.nextInt(4) == 0) {
            return null;
        }
        if (shape.values() == 0) {
            return nextUnique == 0 ? null : (long) random.nextInt((int) Math.min(nextUnique, Integer.MAX_VALUE));
        }
        return newValue(shape);
    }

    private Object otherValue(Object value, Shape shape) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Object other = randomValueOrAbsent(shape);
            if (!Objects.equals(other, value)) {
                return other;
            }
        }
        return "never-written";
    }

    private static Object apply(KvOperation operation, Map<String, Object> store) {
        Object current = store.get(operation.key());
        if (operation instanceof KvOperation.Put put) {
            store.put(put.key(), put.value());
            return null;
        }
        if (operation instanceof KvOperation.Delete) {
            store.remove(operation.key());
            return null;
        }
        if (operation instanceof KvOperation.Get) {
            return current;
        }
        KvOperation.CompareAndSet cas = (KvOperation.CompareAndSet) operation;
        boolean swaps = Objects.equals(current, cas.expected());
        if (swaps) {
            store.put(cas.key(), cas.newValue());
        }
        return swaps;
    }

    private record Planned(String client, KvOperation operation, long invokedAt, long effectAt, long completedAt,
            Outcome outcome, boolean takesEffect, int tieBreak) {
    }
}
