package io.github.raftspringboot.benchmarks;

/**
 * One row of the report: what every client does, how many clients run at once, and the size of the values written.
 *
 * @param name the row's name, also what {@code --workloads} selects
 * @param kind the operation the clients repeat
 * @param clients client threads, each sending its next request when the previous one answered
 * @param valueSize bytes per written value
 */
record Workload(String name, Kind kind, int clients, int valueSize) {

    /** What a client sends, on the sample and on etcd. */
    enum Kind {

        /** {@code POST /key} / {@code /v3/kv/put}, random keys of a key space. */
        PUT("put"),

        /** {@code GET /key/k} (linearizable) / {@code /v3/kv/range}, random keys of the read set. */
        GET_LINEARIZABLE("linearizable get"),

        /** {@code GET /key/k?consistency=local} / {@code /v3/kv/range} with {@code serializable: true}. */
        GET_LOCAL("local get (etcd: serializable)"),

        /** 90 % linearizable gets and 10 % puts, on the read set. */
        MIXED_90_10("90/10 get/put"),

        /** Read then compare-and-set of one key shared by every client. */
        CAS("CAS on one key");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    Workload {
        if (clients < 1) {
            throw new IllegalArgumentException("A workload needs at least one client, got " + clients);
        }
        if (valueSize < 1) {
            throw new IllegalArgumentException("Values need at least one byte, got " + valueSize);
        }
    }

    /** How the row reads in the report, e.g. {@code put, 64 clients, 256 B}. */
    String label() {
        return kind.description() + ", " + clients + (clients == 1 ? " client" : " clients") + ", "
                + Sizes.format(valueSize);
    }

    /**
     * Keys the puts spread over: 10,000 for small values, fewer for large ones so that a run does not grow the
     * store past about 16 MB whatever the value size.
     */
    int putKeySpace() {
        return (int) Math.max(16, Math.min(10_000, (16L << 20) / valueSize));
    }
}
