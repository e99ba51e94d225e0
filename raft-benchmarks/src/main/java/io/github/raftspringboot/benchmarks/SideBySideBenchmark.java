package io.github.raftspringboot.benchmarks;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import static io.github.raftspringboot.engine.JvmOptions.NATIVE_ACCESS_FLAG;
import static io.github.raftspringboot.engine.JvmOptions.UNSAFE_FLAG;

/**
 * The side-by-side benchmark's command line (run through scripts/benchmark.sh, which installs etcd and builds the
 * jars): the same closed-loop workloads against a 3-node cluster of the starter and 3 etcd members, runs
 * alternating, one Markdown table with the ratios on standard output and in a file. {@code --mode=http} (the
 * default) goes through the sample's HTTP API and etcd's JSON gateway, {@code --mode=api} through the store's Java
 * API inside a member and etcd's Java client.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures a 3-node cluster of the starter and a 3-member etcd side by side: the sample's HTTP API "
                + "against etcd's v3 JSON gateway (--mode=http), or the store API of a member in this JVM against "
                + "jetcd (--mode=api).")
public final class SideBySideBenchmark implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "http",
            converter = ModeConverter.class,
            description = "http: the sample's HTTP API (3 nodes) vs etcd's JSON gateway; api: RaftKeyValueStore of a "
                    + "member in this JVM (+ 2 sample nodes) vs jetcd (default ${DEFAULT-VALUE}).")
    BenchmarkMode mode;

    @Option(names = "--api-member", paramLabel = "ROLE", defaultValue = "follower",
            converter = RoleConverter.class,
            description = "Make the first member of each system a follower or the leader before the first row (the "
                    + "one a single client talks to: node1 and etcd1; --mode=api: the in-process member) "
                    + "(default ${DEFAULT-VALUE}).")
    ApiMemberRole apiMemberRole;

    @Option(names = "--quick", description = "A smoke run: 1.5 s runs after 0.5 s warm-up, "
            + "workloads put-1,put-64,get-lin-64,get-local-64,mixed-64 (other options still win).")
    boolean quick;

    @Option(names = "--workloads", paramLabel = "NAMES",
            description = "Comma-separated workloads (default: all): put-1, put-16, put-64, put-256, get-lin-1, "
                    + "get-lin-64, get-local-1, get-local-64, mixed-64, put-16-16B, put-16-1KB, put-16-64KB, cas-16.")
    String workloads;

    @Option(names = "--run-seconds", paramLabel = "S", description = "Measured time per run (default 10, quick 1.5).")
    Double runSeconds;

    @Option(names = "--warmup-seconds", paramLabel = "S", description = "Warm-up per run (default 2, quick 0.5).")
    Double warmUpSeconds;

    @Option(names = "--jit-warmup-seconds", paramLabel = "S",
            description = "The most time each system's warm-up may take: rounds of unmeasured load of each kind the "
                    + "rows use, until two rounds are no more than 5 %% faster than the two before and the servers' "
                    + "JIT compilers used at most 10 %% of a core in the last, so that the sample's JVMs are compiled "
                    + "(default 600, quick 3).")
    Double jitWarmUpSeconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "2",
            description = "Alternating runs per system and workload: kv, etcd, kv, etcd... (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "256",
            description = "Value size of the rows that do not name one (default ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = "--read-set", paramLabel = "KEYS", defaultValue = "10000",
            description = "Keys pre-loaded for the read workloads (default ${DEFAULT-VALUE}).")
    int readSetSize;

    @Option(names = "--sample-jar", paramLabel = "JAR", required = true,
            description = "The sample app's executable jar (sample-kv-app/target/sample-kv-app-*.jar).")
    Path sampleJar;

    @Option(names = "--kv-jvm-options", paramLabel = "OPTIONS", defaultValue = "-Xmx512m",
            description = "JVM options of each sample node, space-separated (default ${DEFAULT-VALUE}).")
    String kvJvmOptions;

    @Option(names = "--etcd", paramLabel = "BINARY", defaultValue = "etcd",
            description = "The etcd server binary (default: etcd on the PATH).")
    String etcdBinary;

    @Option(names = "--work-dir", paramLabel = "DIR", required = true,
            description = "An empty directory for the servers' data and logs; deleted at the end.")
    Path workDir;

    @Option(names = "--keep-work-dir", description = "Keep the servers' data and logs after the run.")
    boolean keepWorkDir;

    @Option(names = "--profile-dir", paramLabel = "DIR",
            description = "Profile the sample's node processes in each measured kv run with async-profiler: CPU "
                    + "samples per thread, kernel frames included, one <workload>-round<N>-<node>.collapsed file "
                    + "per node and a <workload>-round<N>.md summary.")
    Path profileDir;

    @Option(names = "--profile-event", paramLabel = "EVENT", defaultValue = "cpu",
            description = "What --profile-dir samples: cpu (CPU time, one sample per millisecond of a thread's CPU) "
                    + "or wall (every thread every 5 ms, running or waiting: where a thread's time goes, blocking "
                    + "system calls and idle waits included). Default: ${DEFAULT-VALUE}.")
    ServerProfiler.Event profileEvent;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "target/benchmark-report.md",
            description = "Where the Markdown report is written as well (default ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--project-root", paramLabel = "DIR", defaultValue = ".",
            description = "The git checkout whose commit the report names (default: the current directory).")
    Path projectRoot;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        // The script passes defaults first and the user's arguments after them: the last value of an option wins.
        return new CommandLine(new SideBySideBenchmark()).setOverwrittenOptionsAllowed(true)
            .setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
                commandLine.getErr().println("Benchmark failed: " + ex.getMessage());
                return 1;
            });
    }

    /** The options as settings; a wrong value fails with a message that says which and why. */
    BenchmarkSettings settings() {
        List<Workload> selected = workloads != null ? Workloads.select(workloads, valueSize)
                : quick ? Workloads.quick(valueSize) : Workloads.all(valueSize);
        double run = runSeconds != null ? runSeconds : quick ? 1.5 : 10;
        double warmUp = warmUpSeconds != null ? warmUpSeconds : quick ? 0.5 : 2;
        double jitWarmUp = jitWarmUpSeconds != null ? jitWarmUpSeconds : quick ? 3 : 600;
        List<String> jvmOptions = withJdkOptions(
                Arrays.stream(kvJvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
                Runtime.version().feature());
        return new BenchmarkSettings(mode, selected, Duration.ofMillis(Math.round(run * 1000)),
                Duration.ofMillis(Math.round(warmUp * 1000)), rounds, readSetSize, valueSize,
                Duration.ofMillis(Math.round(jitWarmUp * 1000)), jvmOptions, quick, apiMemberRole);
    }

    /**
     * On Java 24 and later the sample nodes run with the options docs/configuration.md asks for there (unless the
     * options already say otherwise): without {@code --sun-misc-unsafe-memory-access=allow}, Netty turns
     * {@code sun.misc.Unsafe} off on Java 25, and the nodes' puts cost a quarter more CPU (docs/benchmarks.md).
     */
    static List<String> withJdkOptions(List<String> options, int javaFeature) {
        if (javaFeature < 24 || options.stream().anyMatch(option -> option.startsWith(optionName(UNSAFE_FLAG)))) {
            return options;
        }
        List<String> all = new java.util.ArrayList<>(options);
        all.add(UNSAFE_FLAG);
        if (options.stream().noneMatch(option -> option.startsWith(optionName(NATIVE_ACCESS_FLAG)))) {
            all.add(NATIVE_ACCESS_FLAG);
        }
        return List.copyOf(all);
    }

    private static String optionName(String flag) {
        return flag.substring(0, flag.indexOf('='));
    }

    @Override
    public Integer call() throws Exception {
        BenchmarkSettings settings;
        try {
            settings = settings();
        }
        catch (IllegalArgumentException ex) {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        if (!Files.isRegularFile(sampleJar)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "No sample jar at " + sampleJar
                    + ": build it with mvn -DskipTests -pl sample-kv-app -am package");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        MachineFacts facts = MachineFacts.collect(etcdBinary, projectRoot);
        List<WorkloadResult> results;
        SessionNotes sessionNotes;
        try (BenchmarkSession session = new BenchmarkSession(settings, sampleJar, etcdBinary, workDir, keepWorkDir,
                out)) {
            if (profileDir != null) {
                session.profileInto(ServerProfiler.into(profileDir, profileEvent));
            }
            Thread cleanup = new Thread(session::close, "benchmark-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            results = session.runAll();
            sessionNotes = session.notes();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        String text = MarkdownReport.render(facts, settings, sessionNotes, results);
        out.println();
        out.print(text);
        if (report.getParent() != null) {
            Files.createDirectories(report.getParent());
        }
        Files.writeString(report, text, StandardCharsets.UTF_8);
        out.println("\nReport written to " + report.toAbsolutePath().normalize());
        return MarkdownReport.failures(sessionNotes, results) > 0 ? 3 : 0;
    }

    /** {@code http} or {@code api}, in any case; anything else is refused with the valid names. */
    static final class ModeConverter implements CommandLine.ITypeConverter<BenchmarkMode> {

        @Override
        public BenchmarkMode convert(String value) {
            return enumValue(BenchmarkMode.class, value, "--mode", "http or api");
        }
    }

    /** {@code follower} or {@code leader}, in any case. */
    static final class RoleConverter implements CommandLine.ITypeConverter<ApiMemberRole> {

        @Override
        public ApiMemberRole convert(String value) {
            return enumValue(ApiMemberRole.class, value, "--api-member", "follower or leader");
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String option, String valid) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(java.util.Locale.ROOT));
        }
        catch (IllegalArgumentException ex) {
            throw new CommandLine.TypeConversionException("Unknown " + option + " '" + value + "': use " + valid);
        }
    }
}
