package io.github.raftspringboot.benchmarks;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchmarkOptionsTest {

    @Test
    void byDefaultEveryWorkloadRunsTenSecondsAfterTwoOfWarmUpInTwoRounds() {
        BenchmarkSettings settings = parse();

        assertThat(settings.workloads()).extracting(Workload::name)
            .containsExactly("put-1", "put-16", "put-64", "put-256", "get-lin-1", "get-lin-64", "get-local-1",
                    "get-local-64", "mixed-64", "put-16-16B", "put-16-1KB", "put-16-64KB", "cas-16");
        assertThat(settings.mode()).isEqualTo(BenchmarkMode.HTTP);
        assertThat(settings.apiMemberRole()).isEqualTo(ApiMemberRole.FOLLOWER);
        assertThat(settings.run()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.warmUp()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.rounds()).isEqualTo(2);
        assertThat(settings.jitWarmUp()).isEqualTo(Duration.ofSeconds(600));
        assertThat(settings.readSetSize()).isEqualTo(10_000);
        assertThat(settings.valueSize()).isEqualTo(256);
        assertThat(settings.workloads().get(0).valueSize()).isEqualTo(256);
        assertThat(settings.kvJvmOptions()).isEqualTo(
                SideBySideBenchmark.withJdkOptions(List.of("-Xmx512m"), Runtime.version().feature()));
        assertThat(settings.quick()).isFalse();
    }

    @Test
    void onJava24AndLaterTheNodesMayUseUnsafeUnlessTheOptionsSayOtherwise() {
        assertThat(SideBySideBenchmark.withJdkOptions(List.of("-Xmx512m"), 17)).containsExactly("-Xmx512m");
        assertThat(SideBySideBenchmark.withJdkOptions(List.of("-Xmx512m"), 25)).containsExactly("-Xmx512m",
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");
        assertThat(SideBySideBenchmark.withJdkOptions(List.of("--sun-misc-unsafe-memory-access=warn"), 25))
            .containsExactly("--sun-misc-unsafe-memory-access=warn");
        assertThat(SideBySideBenchmark.withJdkOptions(List.of("--enable-native-access=ALL-UNNAMED"), 25))
            .containsExactly("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    }

    @Test
    void quickRunsFewWorkloadsShortlyButExplicitOptionsWin() {
        BenchmarkSettings quick = parse("--quick");
        BenchmarkSettings longer = parse("--quick", "--run-seconds=3", "--workloads=put-16-64KB");

        assertThat(quick.workloads()).extracting(Workload::name)
            .containsExactly("put-1", "put-64", "get-lin-64", "get-local-64", "mixed-64");
        assertThat(quick.run()).isEqualTo(Duration.ofMillis(1500));
        assertThat(quick.warmUp()).isEqualTo(Duration.ofMillis(500));
        assertThat(quick.jitWarmUp()).isEqualTo(Duration.ofSeconds(3));
        assertThat(longer.run()).isEqualTo(Duration.ofSeconds(3));
        assertThat(longer.workloads()).singleElement()
            .satisfies(workload -> assertThat(workload.valueSize()).isEqualTo(64 * 1024));
    }

    @Test
    void theApiModeRunsTheSameWorkloadsWithTheMemberInTheRoleAskedFor() {
        BenchmarkSettings api = parse("--mode=api", "--api-member=LEADER");
        BenchmarkSettings quickApi = parse("--quick", "--mode=API");

        assertThat(api.mode()).isEqualTo(BenchmarkMode.API);
        assertThat(api.apiMemberRole()).isEqualTo(ApiMemberRole.LEADER);
        assertThat(api.workloads()).extracting(Workload::name).isEqualTo(parse().workloads().stream()
            .map(Workload::name).toList());
        assertThat(quickApi.mode()).isEqualTo(BenchmarkMode.API);
        assertThat(quickApi.workloads()).hasSize(5);
    }

    @Test
    void anUnknownModeOrRoleIsRefusedWithTheValidValues() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = SideBySideBenchmark.commandLine().setErr(new PrintWriter(err));

        int mode = commandLine.execute("--sample-jar=/nonexistent.jar", "--work-dir=/tmp/unused", "--mode=grpc");
        int role = commandLine.execute("--sample-jar=/nonexistent.jar", "--work-dir=/tmp/unused",
                "--api-member=candidate");

        assertThat(mode).isEqualTo(2);
        assertThat(role).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown --mode 'grpc': use http or api")
            .contains("Unknown --api-member 'candidate': use follower or leader");
    }

    @Test
    void everyWorkloadOfTheIssueIsThereWithItsClientsAndValueSize() {
        List<String> rows = Workloads.all(256).stream()
            .map(workload -> workload.kind() + "/" + workload.clients() + "/" + workload.valueSize())
            .toList();

        assertThat(rows).contains("PUT/1/256", "PUT/16/256", "PUT/64/256", "PUT/256/256",
                "GET_LINEARIZABLE/1/256", "GET_LINEARIZABLE/64/256", "GET_LOCAL/1/256", "GET_LOCAL/64/256",
                "MIXED_90_10/64/256", "PUT/16/16", "PUT/16/1024", "PUT/16/65536", "CAS/16/256");
    }

    @Test
    void theValueSizeAppliesToTheRowsThatDoNotNameTheirOwn() {
        BenchmarkSettings settings = parse("--value-size=1000", "--workloads=put-64,put-16-16B");

        assertThat(settings.workloads()).extracting(Workload::valueSize).containsExactly(1000, 16);
        assertThat(settings.valueSize()).isEqualTo(1000);
    }

    @Test
    void anUnknownWorkloadIsRefusedWithTheValidNames() {
        assertThatThrownBy(() -> parse("--workloads=put-64,get-everything"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("Unknown workload 'get-everything'")
            .hasMessageContaining("put-1, put-16");
    }

    @Test
    void impossibleNumbersAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> parse("--run-seconds=0")).hasMessageContaining("run time must be positive");
        assertThatThrownBy(() -> parse("--rounds=0")).hasMessageContaining("At least one round");
        assertThatThrownBy(() -> parse("--value-size=0")).hasMessageContaining("at least one byte");
    }

    @Test
    void theCommandExitsWithUsageErrorsBeforeStartingAnything() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = SideBySideBenchmark.commandLine().setErr(new PrintWriter(err));

        int status = commandLine.execute("--sample-jar=/nonexistent.jar", "--work-dir=/tmp/unused", "--quick");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("No sample jar at /nonexistent.jar");
    }

    @Test
    void anOptionGivenTwiceTakesItsLastValueSoUsersCanOverrideTheScriptsDefaults() {
        CommandLine commandLine = SideBySideBenchmark.commandLine();
        commandLine.parseArgs("--sample-jar=a.jar", "--work-dir=w", "--report=default.md", "--report=mine.md");

        assertThat(commandLine.<SideBySideBenchmark>getCommand().report).hasToString("mine.md");
    }

    @Test
    void putsOfLargeValuesUseFewerKeysSoARunDoesNotGrowTheStoreWithoutBound() {
        assertThat(Workloads.select("put-64", 256).get(0).putKeySpace()).isEqualTo(10_000);
        assertThat(Workloads.select("put-16-64KB", 256).get(0).putKeySpace()).isEqualTo(256);
    }

    private static BenchmarkSettings parse(String... args) {
        SideBySideBenchmark command = new SideBySideBenchmark();
        String[] all = new String[args.length + 2];
        all[0] = "--sample-jar=sample.jar";
        all[1] = "--work-dir=work";
        System.arraycopy(args, 0, all, 2, args.length);
        new CommandLine(command).parseArgs(all);
        return command.settings();
    }
}
