package io.github.raftspringboot.benchmarks;

import java.util.List;

/** A system for the harness's tests: its only server is this JVM, and every request is one given operation. */
final class FakeTarget {

    private FakeTarget() {
    }

    static BenchmarkTarget of(BenchmarkTarget.ClientOperation operation, boolean memberInThisJvm) {
        return new BenchmarkTarget() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public List<Long> serverPids() {
                return List.of(ProcessHandle.current().pid());
            }

            @Override
            public boolean memberInThisJvm() {
                return memberInThisJvm;
            }

            @Override
            public String unsupportedReason(Workload workload) {
                return null;
            }

            @Override
            public void preload(int readSetSize, int valueSize) {
            }

            @Override
            public ClientOperation operation(Workload workload, int client, int readSetSize) {
                return operation;
            }
        };
    }
}
