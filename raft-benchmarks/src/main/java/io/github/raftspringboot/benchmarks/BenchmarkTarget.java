package io.github.raftspringboot.benchmarks;

import java.util.List;

/**
 * One system under test, as the load generator sees it: a way to build each client's next request. Closing it
 * releases its client (a jetcd client's connections); the servers belong to the session.
 */
interface BenchmarkTarget extends AutoCloseable {

    /** {@code kv} or {@code etcd}: the report's column prefix. */
    String name();

    /**
     * The server processes whose CPU time is charged to this system. When {@link #memberInThisJvm()}, this JVM's
     * pid is one of them, and the client threads' own CPU time is taken off.
     */
    List<Long> serverPids();

    /** Whether one of the servers is a member inside the load generator's JVM. */
    default boolean memberInThisJvm() {
        return false;
    }

    @Override
    default void close() {
    }

    /** Why this system cannot run the workload, or {@code null} when it can. */
    String unsupportedReason(Workload workload);

    /** Writes the read set every read workload reads from, and the key the CAS workload contends on. */
    void preload(int readSetSize, int valueSize) throws Exception;

    /** The request loop body of client number {@code client} (clients are spread over the members). */
    ClientOperation operation(Workload workload, int client, int readSetSize);

    /** One request (or, for CAS, one read-then-swap attempt) of one client. */
    @FunctionalInterface
    interface ClientOperation {

        /**
         * Sends the request and checks its answer.
         *
         * @return {@code false} only for a compare-and-set that lost to another client
         * @throws Exception when the request failed: it is counted, never dropped
         */
        boolean call() throws Exception;
    }
}
