package io.github.raftspringboot.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.sun.management.ThreadMXBean;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftStateMachines;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.kv.KeyValueStores;
import io.github.raftspringboot.engine.kv.StoreLimits;
import io.github.raftspringboot.engine.kv.StoreSnapshotFormat;
import io.github.raftspringboot.engine.statemachine.StateMachineRouter;

/**
 * What writing and reading the key-value store's snapshot costs, independent of the machine's load: the CPU time of
 * the thread doing it and the bytes it allocated (ThreadMXBean), and the heap the read state keeps after a full
 * collection, and the heap both states hold at the end of a restore over the same state. The state is built the way
 * the sample is loaded (batches of 2,000 keys through {@code put_all}, so the watch history is full), plus a few
 * leases with keys attached. Each round writes the snapshot to a file and reads it into a new state machine, through
 * the router a node puts the store behind (its snapshot is one chunked section); the first rounds include the JIT's
 * warm-up. Run (docs/benchmarks.md):
 * <pre>
 * mvn -q -o -pl raft-benchmarks -am package -DskipTests
 * java -Xmx3g -cp raft-benchmarks/target/raft-benchmarks.jar \
 *     io.github.raftspringboot.benchmarks.SnapshotCodecBenchmark [keys] [value-bytes] [rounds] [binary|json]
 * </pre>
 */
public final class SnapshotCodecBenchmark {

    private static final int BATCH = 2_000;

    private static final int LEASES = 10;

    private static final int KEYS_PER_LEASE = 100;

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private SnapshotCodecBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int keys = (args.length > 0) ? Integer.parseInt(args[0]) : 1_000_000;
        int valueBytes = (args.length > 1) ? Integer.parseInt(args[1]) : 256;
        int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
        StoreSnapshotFormat format = (args.length > 3) ? StoreSnapshotFormat.valueOf(args[3].toUpperCase(Locale.ROOT))
                : StoreSnapshotFormat.BINARY;
        JsonMapper mapper = new JsonMapper();
        StoreLimits limits = new StoreLimits(1024, 1 << 20, 8 << 20);
        long emptyHeap = heapAfterGc();
        ReplicatedStateMachine original = load(mapper, limits, keys, valueBytes, format);
        long originalHeap = heapAfterGc() - emptyHeap;
        System.out.printf(Locale.ROOT, "state: %,d keys x %d B values, %d leases, %s format; heap of the state after a "
                + "full GC: %.0f MB%n", keys, valueBytes, LEASES, format, mb(originalHeap));
        Path file = Files.createTempFile("snapshot-codec", ".bin");
        try {
            for (int round = 1; round <= rounds; round++) {
                Measured write = measure(() -> {
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
                        asOnANode(original).snapshot(out);
                    }
                    return null;
                });
                ReplicatedStateMachine restored = KeyValueStores.stateMachine(mapper, limits);
                Measured read = measure(() -> {
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                        asOnANode(restored).restore(in);
                    }
                    return null;
                });
                long bothHeap = heapAfterGc() - emptyHeap;
                check(original, restored);
                System.out.printf(Locale.ROOT, "round %d: snapshot %.1f MB; write %.2f s CPU, %,.0f MB allocated; "
                        + "read %.2f s CPU, %,.0f MB allocated; heap kept by the read state after a full GC %.0f MB%n",
                        round, mb(Files.size(file)), write.cpuSeconds, mb(write.allocated), read.cpuSeconds,
                        mb(read.allocated), mb(bothHeap - originalHeap));
            }
            System.out.printf(Locale.ROOT, "heap of both states at the end of a restore over the same state, before "
                    + "the swap, after a full GC: %.0f MB%n", mb(heapAtTheEndOfARestore(original, storeSection(original,
                    file)) - emptyHeap));
        }
        finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Restores {@code state} from its own snapshot and measures the heap after a full GC when the reader closes the
     * stream: the new state is read, the old one still in place (what a restore's commit needs at its peak).
     */
    private static long heapAtTheEndOfARestore(ReplicatedStateMachine state, Path file) throws IOException {
        long[] heap = { -1 };
        try (InputStream in = new FilterInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            @Override
            public void close() throws IOException {
                if (heap[0] < 0) {
                    heap[0] = heapAfterGc();
                }
                super.close();
            }
        }) {
            // The store itself: its reader closes the stream when it is done, before the swap (the router would not).
            state.restore(in);
        }
        return heap[0];
    }

    /** Writes the store's own snapshot (without the router's framing) to {@code file}. */
    private static Path storeSection(ReplicatedStateMachine state, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            state.snapshot(out);
        }
        return file;
    }

    /** The store behind the router a node puts it behind: its snapshot is one section, written in chunks. */
    private static ReplicatedStateMachine asOnANode(ReplicatedStateMachine store) {
        return new StateMachineRouter(Map.of(RaftStateMachines.KEY_VALUE, store), RaftStateMachines.KEY_VALUE)
            .stateMachine();
    }

    private static ReplicatedStateMachine load(JsonMapper mapper, StoreLimits limits, int keys, int valueBytes,
            StoreSnapshotFormat format) {
        ReplicatedStateMachine state = KeyValueStores.stateMachine(mapper, limits, 10_000, 64L << 20, format);
        long index = 1;
        for (int lease = 0; lease < LEASES; lease++) {
            apply(state, index++, "{\"op\":\"lease_grant\",\"ttl\":60000,\"id\":" + (1000 + lease) + "}");
        }
        StringBuilder batch = new StringBuilder(BATCH * (valueBytes + 32));
        for (int first = 0; first < keys; first += BATCH) {
            batch.setLength(0);
            batch.append("{\"op\":\"put_all\",\"entries\":{");
            for (int key = first; key < Math.min(keys, first + BATCH); key++) {
                if (key > first) {
                    batch.append(',');
                }
                batch.append("\"key-").append(String.format(Locale.ROOT, "%08d", key)).append("\":")
                    .append(value(key, valueBytes));
            }
            apply(state, index++, batch.append("}}").toString());
        }
        for (int lease = 0; lease < LEASES; lease++) {
            for (int key = 0; key < KEYS_PER_LEASE; key++) {
                apply(state, index++, "{\"op\":\"put\",\"key\":\"lease-" + lease + "-" + key + "\",\"value\":{\"n\":"
                        + key + ",\"ok\":true},\"lease\":" + (1000 + lease) + "}");
            }
        }
        return state;
    }

    /** A JSON string of {@code valueBytes} bytes, different for every key. */
    static String value(int key, int valueBytes) {
        StringBuilder value = new StringBuilder(valueBytes).append('"');
        String seed = Integer.toString(key, 36);
        while (value.length() < valueBytes - 1) {
            value.append(seed).append('.');
        }
        value.setLength(valueBytes - 1);
        return value.append('"').toString();
    }

    private static void apply(ReplicatedStateMachine state, long index, String command) {
        byte[] result = state.apply(index, command.getBytes(StandardCharsets.UTF_8));
        String answer = new String(result, StandardCharsets.UTF_8);
        if (answer.contains("\"error\"")) {
            throw new IllegalStateException("The store refused a command of the benchmark: " + answer);
        }
    }

    private static void check(ReplicatedStateMachine original, ReplicatedStateMachine restored) {
        byte[] size = "{\"q\":\"size\"}".getBytes(StandardCharsets.UTF_8);
        byte[] last = "{\"q\":\"entry\",\"arg\":\"lease-9-99\"}".getBytes(StandardCharsets.UTF_8);
        if (!java.util.Arrays.equals(original.query(size), restored.query(size))
                || !java.util.Arrays.equals(original.query(last), restored.query(last))) {
            throw new IllegalStateException("The restored state differs from the original");
        }
    }

    private record Measured(double cpuSeconds, long allocated) {
    }

    private static Measured measure(Callable<Void> work) throws Exception {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        work.call();
        return new Measured((THREADS.getCurrentThreadCpuTime() - cpu) / 1e9,
                THREADS.getCurrentThreadAllocatedBytes() - allocated);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double mb(long bytes) {
        return bytes / 1e6;
    }
}
