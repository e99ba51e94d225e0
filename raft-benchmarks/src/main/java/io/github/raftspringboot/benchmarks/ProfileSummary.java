package io.github.raftspringboot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a set of collapsed-stack profiles ({@link ServerProfiler}) says in a few lines: the share of the samples per
 * thread group (thread names without their numbers), in the kernel, per system call, and per library anywhere on the
 * stack.
 */
final class ProfileSummary {

    private static final Pattern NUMBERS = Pattern.compile("\\d+");

    private static final Pattern SYSCALL = Pattern.compile("^(__x64_sys_|__do_sys_|ksys_|__sys_|do_)(\\w+)$");

    private static final List<String> LIBRARIES = List.of("org/apache/catalina", "org/apache/coyote",
            "org/apache/tomcat", "org/springframework", "tools/jackson", "com/fasterxml/jackson", "io/micrometer",
            "io/grpc", "io/netty", "io/atomix", "com/esotericsoftware/kryo", "io/github/raftspringboot");

    private final Map<String, Long> threads = new LinkedHashMap<>();

    private final Map<String, Long> syscalls = new LinkedHashMap<>();

    private final Map<String, Long> libraries = new LinkedHashMap<>();

    private long total;

    private long kernel;

    /** Adds one collapsed-stack file: lines of {@code frame;frame;... count}, the thread first. */
    ProfileSummary add(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            addLine(line);
        }
        return this;
    }

    ProfileSummary addLine(String line) {
        int space = line.lastIndexOf(' ');
        if (space < 0) {
            return this;
        }
        long samples = Long.parseLong(line.substring(space + 1).strip());
        String[] frames = line.substring(0, space).split(";");
        total += samples;
        String thread = frames[0].startsWith("[") ? NUMBERS.matcher(frames[0].replaceAll(" tid=\\d+", ""))
            .replaceAll("#") : "(no thread)";
        threads.merge(thread, samples, Long::sum);
        if (frames[frames.length - 1].endsWith("_[k]")) {
            kernel += samples;
            syscalls.merge(syscall(frames), samples, Long::sum);
        }
        for (String library : LIBRARIES) {
            for (String frame : frames) {
                if (frame.startsWith(library)) {
                    libraries.merge(library.replace('/', '.'), samples, Long::sum);
                    break;
                }
            }
        }
        return this;
    }

    /**
     * The system call of a kernel stack: the frame after {@code do_syscall_64} without its prefix ({@code
     * __x64_sys_futex}, {@code ksys_write}, {@code do_writev}); interrupts and page faults have none.
     */
    static String syscall(String[] frames) {
        for (int i = 0; i + 1 < frames.length; i++) {
            if (frames[i].equals("do_syscall_64_[k]")) {
                String next = frames[i + 1].replace("_[k]", "");
                Matcher call = SYSCALL.matcher(next);
                return call.matches() ? call.group(2) : "(entering or leaving a system call)";
            }
        }
        return "(interrupt or fault)";
    }

    long total() {
        return total;
    }

    /** The share of the samples whose innermost frame is in the kernel. */
    double kernelShare() {
        return total == 0 ? 0 : (double) kernel / total;
    }

    /** A Markdown summary, {@code limit} lines per table at most. */
    String render(String title, int limit) {
        StringBuilder text = new StringBuilder("## ").append(title).append("\n\n")
            .append(String.format(Locale.ROOT, "%,d samples; %.1f %% with the innermost frame in the kernel.%n%n",
                    total, 100 * kernelShare()));
        table(text, "thread group", threads, limit);
        table(text, "system call (kernel samples)", syscalls, limit);
        table(text, "library anywhere on the stack", libraries, limit);
        return text.toString();
    }

    private void table(StringBuilder text, String what, Map<String, Long> counts, int limit) {
        text.append("| ").append(what).append(" | share |\n|---|---:|\n");
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
            .limit(limit)
            .forEach(entry -> text.append(String.format(Locale.ROOT, "| %s | %.1f %% |%n",
                    entry.getKey().replace("|", "\\|"), 100.0 * entry.getValue() / Math.max(1, total))));
        text.append('\n');
    }
}
