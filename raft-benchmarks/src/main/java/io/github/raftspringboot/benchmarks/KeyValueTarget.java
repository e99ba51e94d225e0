package io.github.raftspringboot.benchmarks;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A key-value system under test, whatever its client: the workloads are mapped to its put, get and compare-and-set
 * here, once, so that every system runs exactly the same mix of requests on the same keys.
 *
 * @param <C> what one client talks to (a member's address, or nothing for a client library that picks its own)
 * @param <K> a key as the system's client takes it
 * @param <V> a value as the system's client takes it
 */
abstract class KeyValueTarget<C, K, V> implements BenchmarkTarget {

    private final String name;

    private final List<Long> pids;

    KeyValueTarget(String name, List<Long> pids) {
        this.name = name;
        this.pids = List.copyOf(pids);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<Long> serverPids() {
        return pids;
    }

    @Override
    public String unsupportedReason(Workload workload) {
        return null;
    }

    /** What client number {@code client} talks to (clients are spread over the members). */
    abstract C connection(int client);

    abstract K key(String key);

    abstract V value(String value);

    /** Writes the value; fails when the answer is not an acknowledgement. */
    abstract boolean put(C connection, K key, V value) throws Exception;

    /** Reads a key of the read set; fails when the value is missing. */
    abstract boolean get(C connection, K key, boolean linearizable) throws Exception;

    /** Reads the key's revision, then writes only if it is unchanged: {@code false} when another client won. */
    abstract boolean compareAndSet(C connection, K key, V value) throws Exception;

    @Override
    public final ClientOperation operation(Workload workload, int client, int readSetSize) {
        C connection = connection(client);
        V value = value(Payloads.value(workload.valueSize()));
        int putKeys = workload.putKeySpace();
        return switch (workload.kind()) {
            case PUT -> () -> put(connection, key(Payloads.putKey(workload.valueSize(), random(putKeys))), value);
            case GET_LINEARIZABLE -> () -> get(connection, key(Payloads.readKey(random(readSetSize))), true);
            case GET_LOCAL -> () -> get(connection, key(Payloads.readKey(random(readSetSize))), false);
            case MIXED_90_10 -> () -> ThreadLocalRandom.current().nextInt(10) == 0
                    ? put(connection, key(Payloads.readKey(random(readSetSize))), value)
                    : get(connection, key(Payloads.readKey(random(readSetSize))), true);
            case CAS -> () -> compareAndSet(connection, key(Payloads.CAS_KEY), value);
        };
    }

    private static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }
}
