package io.github.raftspringboot.benchmarks;

import java.util.List;

/**
 * What happened around the measured rows: the JIT warm-up (with its failed requests, which count as failures of
 * the benchmark too) and which members led.
 *
 * @param lines one note per line, Markdown
 * @param failures requests that failed outside the measured rows
 */
record SessionNotes(List<String> lines, long failures) {

    SessionNotes {
        lines = List.copyOf(lines);
    }

    static SessionNotes none() {
        return new SessionNotes(List.of(), 0);
    }
}
