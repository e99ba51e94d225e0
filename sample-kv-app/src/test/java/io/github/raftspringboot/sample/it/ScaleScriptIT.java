package io.github.raftspringboot.sample.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code scripts/scale.py}, the command of docs/benchmarks.md's scale section, run end to end at a small size (6,000
 * keys, small log segments so that the nodes snapshot): the load, a snapshot, a follower restarted from its own
 * snapshot, a follower rebuilt from an empty state directory (it must get the leader's snapshot, also after having
 * received it before), a backup and two restores through {@code raftmanager}. A step that does not finish fails the run.
 */
class ScaleScriptIT {

    @Test
    void everyStepOfTheScaleRunCompletesOnASmallState() throws Exception {
        assumeTrue(available("python3"), "python3 is not installed: scripts/scale.py needs it");
        Path root = SampleJar.projectRoot();
        Path cli = root.resolve("raft-admin-cli/target/raftmanager");
        assumeTrue(Files.exists(cli), "raftmanager is not built (" + cli + "): run mvn verify from the root");
        ProcessBuilder builder = new ProcessBuilder("python3", root.resolve("scripts/scale.py").toString(), "--keys",
                "6000", "--batch", "300", "--xmx", "256m", "--jvm-options=-XX:TieredStopAtLevel=1",
                "--launch", "java -jar " + SampleJar.jar().toAbsolutePath(),
                "--cli", cli.toString(), "--wait", "180", "--rebuilds", "1", "--restores", "2")
            .redirectErrorStream(true);
        // 256 KB segments: the 1.7 MB log then has whole segments below the applied index, so every node snapshots.
        builder.environment()
            .putAll(Map.of("RAFT_SNAPSHOT_SEGMENTSIZE", "256KB", "RAFT_LIMITS_MAXENTRYSIZE", "128KB"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as(output).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).as(output)
            .containsPattern("\\| load 6000 keys x 256 B \\(300-key batches, 4 clients\\) \\| [\\d.]+ s \\(\\d+ keys/s, 0 batches retried")
            .containsPattern("\\| snapshot \\(POST /actuator/raft/snapshot, on the leader\\) \\| [\\d.]+ s;")
            .containsPattern("\\| the follower's own snapshot, taken by itself \\| [\\d.]+ s after the leader's")
            .containsPattern("\\| follower killed \\(-9\\), restarted: [^|]+ \\| [\\d.]+ s;")
            .containsPattern("\\| follower killed, its state directory deleted, restarted: [^|]+ \\| [\\d.]+ s;")
            .containsPattern("\\| snapshot received by that follower \\(its log\\) \\| Received snapshot \\d+ from the leader")
            .containsPattern("\\| rebuilt follower, round 1, this build \\| [\\d.]+ s \\(Spring Boot started \\+[\\d.]+ s, "
                    + "snapshot received \\+[\\d.]+ s, state read \\+[\\d.]+ s; leader's push \\d+ ms\\)")
            .containsPattern("\\| rebuilt follower, round 1, other build \\| [\\d.]+ s \\(")
            .containsPattern("\\| rebuilt follower, other build: median of 1 \\| [\\d.]+ s")
            .containsPattern("\\| backup \\(GET /actuator/raft/backup from a follower\\) \\| [\\d.]+ s")
            .containsPattern("\\| restore \\(raftmanager restore, through a follower\\) 1 of 2 \\| [\\d.]+ s;")
            .containsPattern("\\| restore \\(raftmanager restore, through a follower\\) 2 of 2 \\| [\\d.]+ s;");
    }

    private static boolean available(String command) {
        try {
            Process process = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
