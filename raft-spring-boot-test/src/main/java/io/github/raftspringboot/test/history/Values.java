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
        // By hand rather than String.format: explanations are built for every violation, thousands in tests.
        long micros = Math.round((nanos - origin) / 1_000.0);
        String fraction = Long.toString(Math.abs(micros % 1_000));
        return (micros < 0 && micros > -1_000 ? "-" : "") + micros / 1_000 + "." + "000".substring(fraction.length())
                + fraction + " ms";
    }
}
