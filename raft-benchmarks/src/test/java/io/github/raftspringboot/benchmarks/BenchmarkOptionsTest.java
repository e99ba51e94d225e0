package io.github.raftspringboot.benchmarks;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchmarkOptionsTest {

    @Test
    void byDefaultEveryWorkloadRunsTenSecondsAfterTwoOfWarmUpInTwoRounds() {
        BenchmarkSettings settings = parse();

        assertThat(settings.workloads()).extracting(Workload::name)
            .containsExactly("put-1", "put-16", "put-64", "put-256", "get-lin-1", "get-lin-64", "get-local-64",
                    "mixed-64", "put-16-16B", "put-16-1KB", "put-16-64KB", "cas-16");
        assertThat(settings.run()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.warmUp()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.rounds()).isEqualTo(2);
        assertThat(settings.jitWarmUp()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.readSetSize()).isEqualTo(10_000);
        assertThat(settings.valueSize()).isEqualTo(256);
        assertThat(settings.workloads().get(0).valueSize()).isEqualTo(256);
        assertThat(settings.kvJvmOptions()).containsExactly("-Xmx512m");
        assertThat(settings.quick()).isFalse();
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
