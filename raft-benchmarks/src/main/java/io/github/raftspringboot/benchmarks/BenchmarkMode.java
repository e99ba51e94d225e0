package io.github.raftspringboot.benchmarks;

/**
 * What is measured against what: the sample's HTTP API against etcd's JSON gateway, or the store's Java API inside
 * a cluster member against etcd's Java client.
 */
enum BenchmarkMode {

    /** 3 sample nodes over HTTP against 3 etcd members over the v3 JSON gateway, one load generator for both. */
    HTTP("Sample HTTP API (kv) vs etcd's JSON gateway, side by side",
            "both clusters on loopback, fsync on: the sample with `KV_STORE=boltdb`, etcd with its defaults;"
                    + " client i talks to member i mod 3 (one client: node1 / etcd1, both made followers before the"
                    + " JIT warm-up, or leaders with --api-member=leader)"),

    /**
     * The store API ({@code RaftKeyValueStore}) of a member running inside the load generator's JVM, with 2 sample
     * nodes as the other members, against jetcd talking to 3 etcd members.
     */
    API("In-process store API (kv) vs etcd's Java client (jetcd), side by side",
            "both clusters on loopback, fsync on. kv: this JVM is member node1 (the starter in a Spring Boot context,"
                    + " `raft.storage=disk`), node2 and node3 are sample nodes; every client calls node1's"
                    + " `RaftKeyValueStore` (blocking). etcd: one jetcd `Client` with etcd1's endpoint (etcd1 has"
                    + " the same role as node1); every client waits for its future. kv CPU: node2 + node3 + this JVM"
                    + " minus the client threads' own CPU; etcd CPU: the 3 members");

    private final String title;

    private final String setUp;

    BenchmarkMode(String title, String setUp) {
        this.title = title;
        this.setUp = setUp;
    }

    /** The report's heading. */
    String title() {
        return title;
    }

    /** The report's line on how both systems run and what the CPU columns count. */
    String setUp() {
        return setUp;
    }
}
