package io.github.raftspringboot.test.history;

/**
 * The check of one key's history.
 *
 * @param key the key
 * @param verdict what the search found
 * @param operations how many of the key's operations the search had to order (failed operations and reads
 *        without an answer constrain nothing and are left out)
 * @param explanation for a violation, which operations could not be ordered and why; otherwise a short line
 */
public record KeyResult(String key, Verdict verdict, int operations, String explanation) {
}
