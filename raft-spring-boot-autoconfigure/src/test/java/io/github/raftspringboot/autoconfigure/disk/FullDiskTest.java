package io.github.raftspringboot.autoconfigure.disk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leader whose disk fills up, on a real (small) file system: a tmpfs of 8 MB under node1's state directory,
 * filled by another file. Before the fix the JVM died of a SIGBUS in Atomix's memory-mapped log writer.
 */
@ExtendWith(OutputCaptureExtension.class)
class FullDiskTest {

    @TempDir
    Path dir;

    @Test
    void aLeaderWhoseDiskFillsUpStepsDownAndTheOthersKeepServing(CapturedOutput output) throws Exception {
        Object mounted = SmallFilesystem.mount(dir.resolve("small"), 8);
        Assumptions.assumeTrue(mounted instanceof SmallFilesystem, () -> "skipped: " + mounted);
        try (SmallFilesystem disk = (SmallFilesystem) mounted) {
            Map<String, String> settings = Map.of("raft.snapshot.segment-size", "1MB", "raft.limits.max-entry-size",
                    "64KB");
            Map<String, Map<String, String>> perNode = new LinkedHashMap<>();
            perNode.put("node1", Map.of("raft.state-dir", disk.path().resolve("node1").toString()));
            perNode.put("node2", Map.of());
            perNode.put("node3", Map.of());
            try (TestCluster cluster = TestCluster.start(dir.resolve("nodes"), settings, perNode)) {
                String first = cluster.awaitLeader();
                if (!first.equals("node1")) {
                    cluster.node(first).transferLeadership("node1").get(30, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> "node1".equals(cluster.awaitLeader()));
                Map<String, String> acknowledged = DiskFaultTest.write(cluster, "node1", 0, 50);

                disk.fillLeaving(512 * 1024);

                await().atMost(Duration.ofSeconds(30)).until(() -> !"node1".equals(cluster.awaitLeader()));
                assertThat(output).contains("Raft node 'node1': only")
                    .contains("it accepts no log entries and does not lead until space is freed");
                String leader = cluster.awaitLeader();
                acknowledged.putAll(DiskFaultTest.write(cluster, leader, 50, 250));
                // A write sent to the full node is carried out by the leader: the full node is not needed for it.
                acknowledged.putAll(DiskFaultTest.write(cluster, "node1", 250, 300));
                assertThat(cluster.node("node1").status().appliedIndex())
                    .isLessThan(cluster.node(leader).status().appliedIndex());

                disk.free();

                DiskFaultTest.assertEveryNodeHas(cluster, acknowledged);
                assertThat(output).contains("bytes free on the file system of " + disk.path().resolve("node1")
                        + " again; accepting log entries");
                DiskFaultTest.assertSurvivesLeaderStop(cluster, acknowledged);
            }
        }
    }
}
