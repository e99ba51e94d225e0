package io.github.raftspringboot.sample.web;

import java.util.Locale;

import io.github.raftspringboot.api.ReadConsistency;

/** Parses the {@code consistency} request parameter of the read endpoints. */
final class ReadConsistencies {

    private ReadConsistencies() {
    }

    /** {@code null} or empty means linearizable, the store's default. */
    static ReadConsistency parse(String value) {
        if (value == null || value.isBlank()) {
            return ReadConsistency.LINEARIZABLE;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "linearizable", "strong" -> ReadConsistency.LINEARIZABLE;
            case "local", "none" -> ReadConsistency.LOCAL;
            default -> throw new IllegalArgumentException("Unknown consistency '" + value
                    + "': use consistency=linearizable (the default) or consistency=local");
        };
    }
}
