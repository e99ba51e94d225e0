package io.github.raftspringboot.sample.web;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time and allocated bytes of this JVM's threads, read from the JVM's own per-thread counters: figures that do not
 * depend on how loaded the machine is, unlike wall-clock time. A snapshot taken before and after some work gives what
 * each group of threads spent on it.
 */
final class ThreadCosts {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** What one thread had spent at a snapshot. */
    record Spent(String name, long cpuNanos, long allocatedBytes) {
    }

    private final Map<Long, Spent> threads;

    /** The whole process's CPU, with the GC's and the JIT compilers' threads, which are no Java threads. */
    private final long processCpuNanos;

    private ThreadCosts(Map<Long, Spent> threads, long processCpuNanos) {
        this.threads = threads;
        this.processCpuNanos = processCpuNanos;
    }

    static ThreadCosts now() {
        THREADS.setThreadCpuTimeEnabled(true);
        THREADS.setThreadAllocatedMemoryEnabled(true);
        long[] ids = THREADS.getAllThreadIds();
        long[] cpu = THREADS.getThreadCpuTime(ids);
        long[] allocated = THREADS.getThreadAllocatedBytes(ids);
        java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        Map<Long, Spent> threads = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && cpu[i] >= 0) {
                threads.put(ids[i], new Spent(infos[i].getThreadName(), cpu[i], allocated[i]));
            }
        }
        return new ThreadCosts(threads, OS.getProcessCpuTime());
    }

    /** What the threads whose name {@code selected} accepts spent since {@code before} (a new thread from zero). */
    Spent since(ThreadCosts before, Predicate<String> selected) {
        long cpu = 0;
        long allocated = 0;
        for (Map.Entry<Long, Spent> thread : threads.entrySet()) {
            if (!selected.test(thread.getValue().name())) {
                continue;
            }
            Spent earlier = before.threads.getOrDefault(thread.getKey(), new Spent("", 0, 0));
            cpu += thread.getValue().cpuNanos() - earlier.cpuNanos();
            allocated += thread.getValue().allocatedBytes() - earlier.allocatedBytes();
        }
        return new Spent("", cpu, allocated);
    }

    long processCpuSince(ThreadCosts before) {
        return processCpuNanos - before.processCpuNanos;
    }
}
