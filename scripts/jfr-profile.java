import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.stream.*;

/**
 * Where a JVM's CPU and allocations went, from a JFR recording (docs/benchmarks.md, "Where a write's CPU goes"):
 * <pre>
 * java scripts/jfr-profile.java node.jfr [FROM TO]...      windows as HH:MM:SS UTC of today, e.g. 12:00:15 12:00:25
 * FOCUS=SomeClass.method java -Ddepth=6 scripts/jfr-profile.java node.jfr ...   callers of a frame, 6 deep
 * </pre>
 * Prints the execution samples (jdk.ExecutionSample) by thread, by library (the topmost frame in a known package),
 * by top frame and inclusively, and the sampled allocation weight (jdk.ObjectAllocationSample) the same ways. Record
 * with {@code -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=DIR/}.
 */
public class JfrProfile {
    public static void main(String[] a) throws Exception {
        Path file = Path.of(a[0]);
        List<Instant[]> windows = new ArrayList<>();
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        for (int i = 1; i + 1 < a.length; i += 2) {
            windows.add(new Instant[] { LocalDateTime.of(day, LocalTime.parse(a[i])).toInstant(ZoneOffset.UTC),
                LocalDateTime.of(day, LocalTime.parse(a[i + 1])).toInstant(ZoneOffset.UTC) });
        }
        Map<String, Long> self = new HashMap<>(), incl = new HashMap<>(), threads = new HashMap<>(), cat = new HashMap<>();
        Map<String, Long> allocTop = new HashMap<>(), allocIncl = new HashMap<>(), allocClass = new HashMap<>(), allocCat = new HashMap<>();
        long samples = 0, allocTotal = 0;
        Map<String, Long> focusMap = new HashMap<>();
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                String type = e.getEventType().getName();
                boolean exec = type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample");
                boolean alloc = type.equals("jdk.ObjectAllocationSample");
                if (!exec && !alloc) continue;
                if (!windows.isEmpty()) {
                    Instant t = e.getStartTime();
                    boolean in = false;
                    for (Instant[] w : windows) in |= !t.isBefore(w[0]) && t.isBefore(w[1]);
                    if (!in) continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                List<RecordedFrame> frames = st == null ? List.of() : st.getFrames();
                String top = frames.isEmpty() ? "?" : name(frames.get(0));
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) seen.add(name(f));
                String c = category(frames);
                String focus = System.getenv("FOCUS");
                if (exec && focus != null && !type.equals("jdk.NativeMethodSample")) {
                    for (int i = 0; i < frames.size(); i++) {
                        if (name(frames.get(i)).contains(focus)) {
                            StringBuilder sb = new StringBuilder();
                            for (int j = i; j < Math.min(frames.size(), i + Integer.getInteger("depth", 4)); j++) sb.append(" <- ").append(name(frames.get(j)));
                            focusMap.merge(sb.toString(), 1L, Long::sum);
                            break;
                        }
                    }
                }
                if (exec) {
                    if (type.equals("jdk.NativeMethodSample")) continue; // waiting threads
                    samples++;
                    self.merge(top, 1L, Long::sum);
                    for (String s : seen) incl.merge(s, 1L, Long::sum);
                    RecordedThread th = e.getThread("sampledThread");
                    threads.merge(th == null ? "?" : th.getJavaName().replaceAll("[-#]?\\d+", "N"), 1L, Long::sum);
                    cat.merge(c, 1L, Long::sum);
                } else {
                    long w = e.getLong("weight");
                    allocTotal += w;
                    String firstApp = top;
                    for (RecordedFrame f : frames) { String n = name(f); if (!n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun.")) { firstApp = n; break; } }
                    allocTop.merge(firstApp, w, Long::sum);
                    for (String s : seen) allocIncl.merge(s, w, Long::sum);
                    allocClass.merge(e.getClass("objectClass").getName(), w, Long::sum);
                    allocCat.merge(c, w, Long::sum);
                }
            }
        }
        System.out.println("CPU samples: " + samples);
        if (!focusMap.isEmpty()) print("focus", focusMap, samples, 30);
        print("threads", threads, samples, 15);
        print("category (first matching frame from the top)", cat, samples, 25);
        print("self (top frame)", self, samples, 30);
        print("inclusive", incl, samples, Integer.getInteger("incl", 60));
        System.out.println("\nallocation total (sampled weight): " + allocTotal + " bytes");
        print("alloc category", allocCat, allocTotal, 25);
        print("alloc by first non-JDK frame", allocTop, allocTotal, 30);
        print("alloc by class", allocClass, allocTotal, 20);
        print("alloc inclusive", allocIncl, allocTotal, 50);
    }
    static final String[][] CATS = {
        {"PeerStream", "engine.atomix.PeerStream"}, {"PeerMessageCodec", "engine.atomix.PeerMessageCodec"},
        {"LeaderLogSync", "LeaderLogSync"}, {"PeerRequestHooks", "PeerRequestHooks"},
        {"kryo", "com.esotericsoftware.kryo"}, {"atomix.serializer", "io.atomix.utils.serializer"},
        {"journal", "io.atomix.storage.journal"}, {"atomix.raft.roles", "io.atomix.protocols.raft.roles"},
        {"atomix.raft.session", "io.atomix.protocols.raft.session"}, {"atomix.raft.service", "io.atomix.protocols.raft.service"},
        {"atomix.raft.proxy", "io.atomix.protocols.raft.proxy"}, {"atomix.raft", "io.atomix.protocols.raft"},
        {"atomix.primitive", "io.atomix.primitive"}, {"atomix.utils", "io.atomix.utils"},
        {"engine.kv", "io.github.raftspringboot.engine.kv"}, {"engine.statemachine", "io.github.raftspringboot.engine.statemachine"},
        {"engine.atomix", "io.github.raftspringboot.engine.atomix"}, {"engine", "io.github.raftspringboot.engine"},
        {"sample", "io.github.raftspringboot.sample"}, {"autoconfigure", "io.github.raftspringboot.autoconfigure"},
        {"micrometer", "io.micrometer"}, {"jackson", "tools.jackson"}, {"jackson2", "com.fasterxml.jackson"},
        {"logging", "ch.qos.logback"}, {"slf4j", "org.slf4j"},
        {"grpc.netty", "io.grpc.netty"}, {"grpc", "io.grpc"}, {"netty", "io.netty"},
        {"tomcat", "org.apache"}, {"spring", "org.springframework"}, {"jfr", "jdk.jfr"},
    };
    static String category(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            for (String[] c : CATS) if (n.contains(c[1])) return c[0];
        }
        return frames.isEmpty() ? "?" : "jdk:" + name(frames.get(0));
    }
    static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }
    static void print(String title, Map<String, Long> m, long total, int n) {
        System.out.println("\n== " + title);
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
            .forEach(e -> System.out.printf("%6.1f%%  %12d  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getValue(), e.getKey()));
    }
}
