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
        List<Path> files = profileForAWindow(BusyMain.class, ServerProfiler.into(dir), "busy");

        assertThat(files).containsExactly(dir.resolve("busy-1.collapsed"));
        List<String> lines = Files.readAllLines(files.get(0));
        assertThat(lines).as("samples, each line starting with its thread")
            .anyMatch(line -> line.startsWith("[main tid=") && line.contains("BusyMain.main"));
        ProfileSummary summary = new ProfileSummary().add(files.get(0));
        assertThat(summary.total()).isGreaterThan(100);
    }

    @Test
    void wallClockSamplesShowAThreadThatWaits() throws Exception {
        List<Path> files = profileForAWindow(SleepingMain.class, ServerProfiler.into(dir, ServerProfiler.Event.wall),
                "sleeping");

        // CPU samples would have next to none of a sleeping thread; wall-clock samples have it all the time.
        long sleeping = Files.readAllLines(files.get(0)).stream()
            .filter(line -> line.startsWith("[main tid=") && line.contains("Thread.sleep"))
            .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
        assertThat(sleeping).as("samples of the sleeping main thread").isGreaterThan(100);
    }

    /** Runs {@code main} in a child JVM and profiles it for 1.5 s once it has started; the profile files. */
    private static List<Path> profileForAWindow(Class<?> main, ServerProfiler profiler, String name) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                main.getName()).redirectErrorStream(true).start();
        try {
            long pid = child.pid();
            // Attachable once the JVM has started its main thread: it prints a line then.
            await().atMost(Duration.ofSeconds(30)).until(() -> child.getInputStream().available() > 0);
            profiler.start(List.of(pid));
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() > until);
            return profiler.stop(List.of(pid), name);
        }
        finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
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
