package io.github.raftspringboot.benchmarks;

import java.util.Random;

/**
 * Keys and values both systems get alike. Keys and values are plain ASCII letters and digits, so JSON bodies are
 * built without escaping, and a value of n characters is n bytes.
 */
final class Payloads {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** The key every client of the CAS workload competes for. */
    static final String CAS_KEY = "bench/cas";

    private Payloads() {
    }

    /** Key {@code i} of the read set the read workloads pre-load. */
    static String readKey(int index) {
        return String.format("bench/read/%05d", index);
    }

    /** Key {@code i} of a put workload's key space (one key space per value size). */
    static String putKey(int valueSize, int index) {
        return "bench/put/" + valueSize + "/" + index;
    }

    /** A value of {@code size} letters and digits; the same for the same size (seeded), so runs compare. */
    static String value(int size) {
        Random random = new Random(size);
        StringBuilder value = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return value.toString();
    }
}
