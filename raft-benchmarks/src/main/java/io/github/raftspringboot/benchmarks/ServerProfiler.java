package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU profiles of server JVMs for a measured window ({@code --profile-dir}): async-profiler is attached to each
 * process with {@code jcmd <pid> JVMTI.agent_load} when the window starts and writes the samples when it ends, per
 * thread, in the collapsed-stack format, kernel frames included (JFR's samples have neither the kernel nor more than
 * a few threads at a time). Its Linux library comes with this jar (Maven Central's
 * {@code tools.profiler:async-profiler}, classifier {@code linux-x64}).
 */
final class ServerProfiler {

    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    /** What is sampled; per thread, so that the summary can say which threads do the work or wait. */
    enum Event {
        /** One sample per millisecond of CPU a thread uses. */
        cpu("start,event=cpu,interval=1ms,threads"),
        /** Every thread every 5 ms, whether it runs or waits. */
        wall("start,event=wall,interval=5ms,threads");

        final String start;

        Event(String start) {
            this.start = start;
        }
    }

    private final Path dir;

    private final Event event;

    private final Path library;

    private final Path jcmd;

    private ServerProfiler(Path dir, Event event, Path library, Path jcmd) {
        this.dir = dir;
        this.event = event;
        this.library = library;
        this.jcmd = jcmd;
    }

    /** Writes CPU profiles into {@code dir}; the profiler's library is copied there from this jar. */
    static ServerProfiler into(Path dir) throws IOException {
        return into(dir, Event.cpu);
    }

    /** Writes profiles of {@code event} into {@code dir}; the profiler's library is copied there from this jar. */
    static ServerProfiler into(Path dir, Event event) throws IOException {
        Files.createDirectories(dir);
        Path library = dir.resolve("libasyncProfiler.so");
        try (InputStream in = ServerProfiler.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            if (in == null) {
                throw new IllegalStateException("async-profiler's library (" + LIBRARY + ") is not in this jar: "
                        + "rebuild raft-benchmarks");
            }
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new IllegalStateException("No jcmd at " + jcmd + ": --profile-dir needs a JDK, not a JRE");
        }
        return new ServerProfiler(dir, event, library, jcmd);
    }

    /** Starts profiling each process (other than this JVM). */
    void start(List<Long> pids) {
        for (long pid : others(pids)) {
            agent(pid, event.start);
        }
    }

    /**
     * Stops profiling and writes {@code <name>-<i>.collapsed} per process (i counts from 1 in the order given);
     * returns the files.
     */
    List<Path> stop(List<Long> pids, String name) {
        List<Path> files = new ArrayList<>();
        int i = 0;
        for (long pid : pids) {
            i++;
            if (pid == ProcessHandle.current().pid()) {
                continue;
            }
            Path file = dir.resolve(name + "-" + i + ".collapsed");
            agent(pid, "stop,file=" + file.toAbsolutePath() + ",collapsed");
            files.add(file);
        }
        return files;
    }

    Path dir() {
        return dir;
    }

    private static List<Long> others(List<Long> pids) {
        return pids.stream().filter(pid -> pid != ProcessHandle.current().pid()).toList();
    }

    /** Loads the agent into {@code pid} with {@code command}; jcmd splits bare arguments at '=', so it is quoted. */
    private void agent(long pid, String command) {
        List<String> line = List.of(jcmd.toString(), Long.toString(pid), "JVMTI.agent_load", library.toString(),
                "\"" + command + "\"");
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0
                    || !output.contains("return code: 0")) {
                throw new IllegalStateException("The profiler did not take '" + command + "' in process " + pid
                        + ": " + output.strip());
            }
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot run " + jcmd + " for process " + pid, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while profiling process " + pid, ex);
        }
    }
}
