package io.github.raftspringboot.benchmarks;

/**
 * Both systems' results for one workload; a system that cannot run the workload has a {@code null} result and a
 * reason.
 */
record WorkloadResult(Workload workload, RunResult kv, String kvSkipped, RunResult etcd, String etcdSkipped) {

    long failures() {
        return (kv == null ? 0 : kv.failures()) + (etcd == null ? 0 : etcd.failures());
    }
}
