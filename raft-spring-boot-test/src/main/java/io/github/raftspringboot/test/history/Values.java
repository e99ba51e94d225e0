package io.github.raftspringboot.test.history;

/** How values and times appear in explanations: strings quoted so that "1" and 1 are told apart. */
final class Values {

    private Values() {
    }

    static String show(Object value) {
        if (value == null) {
            return "absent";
        }
        if (value instanceof CharSequence) {
            return "\"" + value + "\"";
        }
        return String.valueOf(value);
    }

    /** Nanoseconds since the history's first invocation, as milliseconds; {@code ∞} for indeterminate ends. */
    static String millis(long nanos, long origin) {
        if (nanos == Long.MAX_VALUE) {
            return "∞";
        }
        return String.format(java.util.Locale.ROOT, "%.3f ms", (nanos - origin) / 1_000_000.0);
    }
}
