package io.github.raftspringboot.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The profiler is attached to another JVM for a window and writes its samples, per thread. */
class ServerProfilerTest {

    @TempDir
    Path dir;

    @Test
    void aBusyJvmIsProfiledForAWindow() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process busy = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                BusyMain.class.getName()).redirectErrorStream(true).start();
        try {
            long pid = busy.pid();
            // Attachable once the JVM has started its main thread: it prints a line then.
            await().atMost(Duration.ofSeconds(30)).until(() -> busy.getInputStream().available() > 0);
            ServerProfiler profiler = ServerProfiler.into(dir);

            profiler.start(List.of(pid));
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() > until);
            List<Path> files = profiler.stop(List.of(pid), "busy");

            assertThat(files).containsExactly(dir.resolve("busy-1.collapsed"));
            List<String> lines = Files.readAllLines(files.get(0));
            assertThat(lines).as("samples, each line starting with its thread")
                .anyMatch(line -> line.startsWith("[main tid=") && line.contains("BusyMain.main"));
            ProfileSummary summary = new ProfileSummary().add(files.get(0));
            assertThat(summary.total()).isGreaterThan(100);
        }
        finally {
            busy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void wallClockSamplesShowAThreadThatWaits() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process sleeper = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SleepingMain.class.getName()).redirectErrorStream(true).start();
        try {
            long pid = sleeper.pid();
            await().atMost(Duration.ofSeconds(30)).until(() -> sleeper.getInputStream().available() > 0);
            ServerProfiler profiler = ServerProfiler.into(dir, ServerProfiler.Event.wall);

            profiler.start(List.of(pid));
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() > until);
            List<Path> files = profiler.stop(List.of(pid), "sleeping");

            // CPU samples would have next to none of a sleeping thread; wall-clock samples have it all the time.
            long sleeping = Files.readAllLines(files.get(0)).stream()
                .filter(line -> line.startsWith("[main tid=") && line.contains("Thread.sleep"))
                .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
            assertThat(sleeping).as("samples of the sleeping main thread").isGreaterThan(100);
        }
        finally {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Sleeps for a minute at most. */
    public static final class SleepingMain {

        public static void main(String[] args) throws InterruptedException {
            System.out.println("sleeping");
            Thread.sleep(60_000);
        }
    }

    /** Spins for a minute at most. */
    public static final class BusyMain {

        public static void main(String[] args) {
            System.out.println("busy");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long x = 0;
            while (System.nanoTime() < end) {
                x += Long.toString(x).hashCode();
            }
            System.out.println(x);
        }
    }
}
