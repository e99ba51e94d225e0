package io.github.raftspringboot.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's message when its clusters do not start: every cause, and the end of the member's log. */
class StartFailureTest {

    @TempDir
    Path dir;

    @Test
    void saysEveryCauseAndEndsWithTheMembersLog() throws Exception {
        Path log = Files.writeString(dir.resolve("kv-node1.log"), "starting\nAPPLICATION FAILED TO START\n");
        Exception failure = new IllegalStateException("Context failed",
                new IllegalArgumentException("raft.port 99999 is not a port"));

        String text = StartFailure.describe(failure, List.of(), log);

        assertThat(text).startsWith("Context failed; caused by IllegalArgumentException: raft.port 99999 is not a port")
            .contains("--- the end of the in-process member node1's log ---")
            .endsWith("APPLICATION FAILED TO START");
    }

    @Test
    void aMemberLogThatWasNeverWrittenIsLeftOut() {
        String text = StartFailure.describe(new IllegalStateException("timed out"), List.of(),
                dir.resolve("kv-node1.log"));

        assertThat(text).isEqualTo("timed out");
    }
}
