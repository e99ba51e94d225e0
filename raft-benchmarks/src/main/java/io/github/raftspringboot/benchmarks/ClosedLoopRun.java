package io.github.raftspringboot.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

/**
 * One run of one workload against one system: {@code clients} threads, each sending its next request as soon as
 * the previous one answered, for a warm-up and then a measured window. Latency and count are of the answers that
 * arrive inside the window, the servers' CPU time is over the window; every failure is counted, warm-up included.
 * The client threads' CPU time over the window is measured too: for a member inside this JVM it is taken off the
 * servers' CPU (what remains is the member's work, this JVM's GC and JIT included).
 */
final class ClosedLoopRun {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final List<Long> THIS_JVM = List.of(ProcessHandle.current().pid());

    private final BenchmarkTarget target;

    private final Workload workload;

    private final int readSetSize;

    private final Duration warmUp;

    private final Duration measured;

    private volatile boolean measuring;

    private volatile boolean stopping;

    private final AtomicLong failures = new AtomicLong();

    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    /** Told when the measured window starts and ends (a profiler), outside the CPU figures' readings. */
    interface Window {

        Window NONE = new Window() {
        };

        default void starting() {
        }

        default void ended() {
        }
    }

    private final Window window;

    ClosedLoopRun(BenchmarkTarget target, Workload workload, int readSetSize, Duration warmUp, Duration measured) {
        this(target, workload, readSetSize, warmUp, measured, Window.NONE);
    }

    ClosedLoopRun(BenchmarkTarget target, Workload workload, int readSetSize, Duration warmUp, Duration measured,
            Window window) {
        this.window = window;
        this.target = target;
        this.workload = workload;
        this.readSetSize = readSetSize;
        this.warmUp = warmUp;
        this.measured = measured;
    }

    RunResult run() throws InterruptedException {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < workload.clients(); i++) {
            clients.add(new Client(target.operation(workload, i, readSetSize)));
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Thread thread = new Thread(clients.get(i)::loop, target.name() + "-" + workload.name() + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(warmUp.toMillis());
        window.starting();
        double cpuBefore = ProcessCpu.seconds(target.serverPids());
        double jvmBefore = ProcessCpu.seconds(THIS_JVM);
        double clientsBefore = threadCpuSeconds(threads);
        long start = System.nanoTime();
        measuring = true;
        Thread.sleep(measured.toMillis());
        measuring = false;
        long end = System.nanoTime();
        double cpuAfter = ProcessCpu.seconds(target.serverPids());
        double jvmAfter = ProcessCpu.seconds(THIS_JVM);
        double clientsUsed = threadCpuSeconds(threads) - clientsBefore;
        window.ended();
        stopping = true;
        long joinDeadline = System.nanoTime() + HttpCalls.REQUEST_TIMEOUT.plusSeconds(10).toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
            if (thread.isAlive()) {
                recordFailure(new IllegalStateException(thread.getName() + " did not finish its last request"));
            }
        }
        Histogram latency = RunResult.newHistogram();
        long requests = 0;
        long lostRaces = 0;
        for (Client client : clients) {
            latency.add(client.latency);
            requests += client.requests;
            lostRaces += client.lostRaces;
        }
        double serversUsed = cpuAfter - cpuBefore - (target.memberInThisJvm() ? clientsUsed : 0);
        return new RunResult(requests, failures.get(), firstFailure.get(), lostRaces, latency,
                (end - start) / 1e9, Math.max(0, serversUsed), clientsUsed, jvmAfter - jvmBefore, 1);
    }

    /** The CPU time the threads have used so far, summed (a thread that has ended counts 0). */
    static double threadCpuSeconds(List<Thread> threads) {
        long nanos = 0;
        for (Thread thread : threads) {
            @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; this code targets Java 17
            long id = thread.getId();
            nanos += Math.max(0, THREADS.getThreadCpuTime(id));
        }
        return nanos / 1e9;
    }

    private void recordFailure(Exception failure) {
        failures.incrementAndGet();
        String message = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        firstFailure.compareAndSet(null, message);
    }

    /** One client thread's loop and its own histogram (no sharing on the measured path). */
    private final class Client {

        private final BenchmarkTarget.ClientOperation operation;

        private final Histogram latency = RunResult.newHistogram();

        private long requests;

        private long lostRaces;

        Client(BenchmarkTarget.ClientOperation operation) {
            this.operation = operation;
        }

        void loop() {
            while (!stopping) {
                long sent = System.nanoTime();
                try {
                    boolean won = operation.call();
                    // Every answer that arrives inside the window counts, whenever it was sent: with latencies
                    // near the window's length, counting only requests sent inside it would count almost none.
                    if (measuring) {
                        latency.recordValue(Math.min(RunResult.MAX_MICROS, (System.nanoTime() - sent) / 1000));
                        requests++;
                        lostRaces += won ? 0 : 1;
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    recordFailure(ex);
                    return;
                }
                catch (Exception ex) {
                    recordFailure(ex);
                }
            }
        }
    }
}
