package io.github.raftspringboot.test.history;

import java.util.Objects;

/**
 * The sequential specification of one key: a register holding a value or absent ({@code null}). The search asks it
 * whether an operation, taking effect in a given state, could have produced the result the client saw.
 */
final class RegisterModel {

    /** Returned by {@link #step} when the operation could not have produced its result in that state. */
    static final Object ILLEGAL = new Object() {
        @Override
        public String toString() {
            return "illegal";
        }
    };

    private RegisterModel() {
    }

    /**
     * Whether {@code operation} is worth searching at all: a failed operation never took effect, and a read whose
     * answer was lost changes nothing and constrains nothing, so both can be dropped.
     */
    static boolean constrains(Operation operation) {
        return switch (operation.outcome()) {
            case FAIL -> false;
            case INFO -> !(operation.operation() instanceof KvOperation.Get);
            case OK -> true;
        };
    }

    /** The state after {@code operation} takes effect in {@code state}, or {@link #ILLEGAL}. */
    static Object step(Object state, Operation operation) {
        boolean known = operation.outcome() == Outcome.OK;
        KvOperation op = operation.operation();
        if (op instanceof KvOperation.Put put) {
            return put.value();
        }
        if (op instanceof KvOperation.Delete) {
            return null;
        }
        if (op instanceof KvOperation.Get) {
            return !known || Objects.equals(state, operation.result()) ? state : ILLEGAL;
        }
        KvOperation.CompareAndSet cas = (KvOperation.CompareAndSet) op;
        boolean matches = Objects.equals(state, cas.expected());
        if (!known) {
            // Had it taken effect it would have written exactly when it matched; not at all is covered by ordering
            // it after everything else, which the search may always do for an operation without an end.
            return matches ? cas.newValue() : state;
        }
        boolean wrote = (Boolean) operation.result();
        if (wrote != matches) {
            return ILLEGAL;
        }
        return wrote ? cas.newValue() : state;
    }
}
