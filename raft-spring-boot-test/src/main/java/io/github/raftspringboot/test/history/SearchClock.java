package io.github.raftspringboot.test.history;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The clock a search budget is measured on: the CPU time of the checking thread (the search runs on it alone), so
 * that a machine busy with other work does not turn a linearizable verdict into {@link Verdict#UNKNOWN}. On the wall
 * clock, a 60 s budget ran out on a 133-operation key under a load average of 68 on two cores. Falls back to the
 * wall clock where the JVM cannot measure thread CPU time.
 */
final class SearchClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported()
            && THREADS.isThreadCpuTimeEnabled();

    private SearchClock() {
    }

    /** Nanoseconds on this thread's clock; only differences between two readings on one thread mean anything. */
    static long now() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
