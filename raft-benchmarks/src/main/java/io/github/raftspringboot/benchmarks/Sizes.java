package io.github.raftspringboot.benchmarks;

/** Byte counts as people write them: {@code 16 B}, {@code 1 KB}, {@code 64 KB}. */
final class Sizes {

    private Sizes() {
    }

    static String format(int bytes) {
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return (bytes / 1024) + " KB";
        }
        return bytes + " B";
    }
}
