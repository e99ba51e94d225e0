package io.github.raftspringboot.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM started without the --add-opens flag the engine needs gets a failure analysis that names the flag and
 * where to put it, not the serializer's ExceptionInInitializerError.
 */
class MissingJvmFlagTest {

    @TempDir
    Path dir;

    @Test
    void startupFailsWithAnAnalysisNamingTheFlag() throws IOException, InterruptedException {
        String output = runNode(List.of());
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("The JVM was started without --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED "
                    + "--add-opens=java.base/java.util=ALL-UNNAMED")
            .contains("Add-Opens: java.base/java.util.concurrent.atomic java.base/java.util")
            .doesNotContain("ExceptionInInitializerError");
    }

    @Test
    void theSecondFlagIsCheckedToo() throws IOException, InterruptedException {
        String output = runNode(List.of("--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("The JVM was started without --add-opens=java.base/java.util=ALL-UNNAMED,")
            .doesNotContain("InaccessibleObjectException");
    }

    /** Runs a node in a child JVM with only {@code flags}; returns its output once it exited non-zero. */
    private String runNode(List<String> flags) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString()));
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NodeWithoutFlags.class.getName(),
                dir.resolve("node").toString(), String.valueOf(TestCluster.freePort())));
        // Output to a file, read once the JVM exited (a pipe read only then could fill up and block the child), and
        // a bound for a loaded machine: under a load average of 60 the child had not exited after 60 s.
        Path log = dir.resolve("node-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the node's JVM exited").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isNotZero();
        return output;
    }

    /** Runs a node in a JVM started without the engine's flags. */
    public static final class NodeWithoutFlags {

        public static void main(String[] args) {
            new SpringApplicationBuilder(TestCluster.NodeApplication.class).web(WebApplicationType.NONE)
                .properties("raft.node-id=probe", "raft.state-dir=" + args[0], "raft.port=" + args[1],
                        "raft.bind-address=127.0.0.1", "raft.advertise-address=127.0.0.1")
                .run(args);
        }
    }
}
