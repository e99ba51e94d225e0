package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time of processes from Linux's {@code /proc/<pid>/stat}: user + system time, children excluded. */
final class ProcessCpu {

    /** Clock ticks per second of {@code utime} and {@code stime}: {@code USER_HZ}, 100 on every Linux ABI. */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** The CPU seconds the processes have used so far, summed. */
    static double seconds(List<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            try {
                ticks += ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            }
            catch (IOException ex) {
                throw new UncheckedIOException("Cannot read the CPU time of process " + pid
                        + " (is it still running? is this Linux?)", ex);
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    /**
     * utime + stime of one {@code stat} line. The command name (field 2) is in parentheses and may hold spaces
     * and parentheses itself, so fields are counted from the last {@code ')'}: utime and stime are fields 14 and 15.
     */
    static long ticks(String statLine) {
        int end = statLine.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("Not a /proc/<pid>/stat line: " + statLine);
        }
        String[] fields = statLine.substring(end + 1).trim().split("\\s+");
        // fields[0] is field 3 (state): field n is fields[n - 3].
        if (fields.length < 13) {
            throw new IllegalArgumentException("Too few fields in /proc/<pid>/stat line: " + statLine);
        }
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }
}
