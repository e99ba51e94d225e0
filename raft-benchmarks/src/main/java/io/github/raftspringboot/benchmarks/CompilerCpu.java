package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time of the HotSpot JIT compiler threads ({@code C1 CompilerThre...}, {@code C2 CompilerThre...}) of the
 * server processes, per thread, from {@code /proc/<pid>/task/<tid>/stat}. The warm-up waits for them to fall quiet:
 * a sample's throughput can look flat for a minute while its compilers still use half a core (2026-12-02: three
 * rounds within 1 % of each other at 276 puts a second, then 1,457 in a later row). A process without such threads
 * (etcd) has none to wait for.
 */
final class CompilerCpu {

    private CompilerCpu() {
    }

    /** Ticks used so far by each compiler thread of the processes, by thread id; threads gone are left out. */
    static Map<Long, Long> ticksByThread(List<Long> pids) {
        Map<Long, Long> ticks = new HashMap<>();
        for (long pid : pids) {
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
                for (Path thread : threads) {
                    readThread(thread, ticks);
                }
            }
            catch (NoSuchFileException ex) {
                // The process is gone (or this is not Linux): it compiles nothing more.
            }
            catch (IOException ex) {
                throw new java.io.UncheckedIOException("Cannot list the threads of process " + pid, ex);
            }
        }
        return ticks;
    }

    private static void readThread(Path thread, Map<Long, Long> ticks) throws IOException {
        String stat;
        try {
            stat = Files.readString(thread.resolve("stat"));
        }
        catch (NoSuchFileException ex) {
            return; // the thread ended while the directory was read
        }
        if (isCompiler(stat)) {
            ticks.put(Long.parseLong(thread.getFileName().toString()), ProcessCpu.ticks(stat));
        }
    }

    /** Whether a {@code stat} line is a HotSpot compiler thread's (its name is field 2, in parentheses). */
    static boolean isCompiler(String statLine) {
        int open = statLine.indexOf('(');
        int close = statLine.lastIndexOf(')');
        if (open < 0 || close < open) {
            return false;
        }
        String name = statLine.substring(open + 1, close);
        return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
    }

    /**
     * CPU seconds the compiler threads used between two readings: each thread's growth, and all of a thread that
     * started since. HotSpot stops idle compiler threads; what one used before it stopped is not counted.
     */
    static double secondsBetween(Map<Long, Long> before, Map<Long, Long> after) {
        long ticks = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            ticks += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
        }
        return ticks / ProcessCpu.TICKS_PER_SECOND;
    }
}
