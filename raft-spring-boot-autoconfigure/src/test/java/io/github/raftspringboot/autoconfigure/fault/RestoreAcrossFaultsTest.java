package io.github.raftspringboot.autoconfigure.fault;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import io.github.raftspringboot.api.InvalidBackupException;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17: a restore sends its backup to every member as a file, then commits one small entry that each node applies
 * from its own copy. A member that was cut off while the backup was sent gets the file from the others when it catches
 * up and applies the entry, and keeps it for a restart; a damaged or cut upload, and a restore that a majority of the
 * voters cannot receive, change nothing and say why.
 */
class RestoreAcrossFaultsTest {

    private static final int KEYS = 3000;

    @Test
    void aMemberCutOffDuringTheRestoreGetsTheBackupFromTheOthers() throws Exception {
        try (RaftTestCluster cluster = RaftTestCluster.builder(PlainApplication.class).nodes(3).withNetworkFaults()
            .start()) {
            String leader = load(cluster);
            String via = cluster.followers().get(0);
            String cutOff = cluster.followers().get(1);
            byte[] backup = backupThenWrite(cluster, via, leader);

            cluster.network().isolate(cutOff);
            long index = cluster.node(via).restoreFrom(new ByteArrayInputStream(backup));
            assertRestored(cluster, via, index);
            assertThat(backupFiles(cluster, cutOff)).as("the cut-off member did not receive the backup").isEmpty();

            cluster.network().heal();
            assertRestored(cluster, cutOff, index);
            assertThat(backupFiles(cluster, cutOff)).as("it asked the others for it, and keeps it").hasSize(1);

            // Its log still holds the restore's entry: a restart applies it again from the file it keeps, and one
            // damaged on its disk meanwhile is not used: the node gets it again from the others.
            Path kept = backupFiles(cluster, cutOff).get(0);
            byte[] intact = Files.readAllBytes(kept);
            cluster.stop(cutOff);
            byte[] damaged = intact.clone();
            damaged[intact.length / 2] ^= 0x20;
            Files.write(kept, damaged);
            cluster.start(cutOff);
            cluster.awaitLeader();
            assertRestored(cluster, cutOff, index);
            assertThat(Files.readAllBytes(backupFiles(cluster, cutOff).get(0))).as("fetched again, intact")
                .isEqualTo(intact);
            for (String id : cluster.running()) {
                assertRestored(cluster, id, index);
            }
        }
    }

    @Test
    void restoresThatCannotCompleteChangeNothing() throws Exception {
        try (RaftTestCluster cluster = RaftTestCluster.builder(PlainApplication.class).nodes(3).withNetworkFaults()
            .start()) {
            String leader = load(cluster);
            String via = cluster.followers().get(0);
            byte[] backup = backupThenWrite(cluster, via, leader);

            // The members get the upload as it arrives: a damaged or cut one must leave none of them a file.
            byte[] damaged = backup.clone();
            damaged[backup.length / 2] ^= 0x20;
            assertThatThrownBy(() -> cluster.node(via).restoreFrom(new ByteArrayInputStream(damaged)))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("checksum mismatch");
            assertThatThrownBy(() -> cluster.node(via).restoreFrom(new CutStream(backup, backup.length / 2)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("connection reset");
            for (String id : cluster.running()) {
                assertThat(backupFiles(cluster, id)).as("on %s", id).isEmpty();
            }

            cluster.network().isolate(via);
            assertThatThrownBy(() -> cluster.node(via).restoreFrom(new ByteArrayInputStream(backup)))
                .isInstanceOf(RaftException.class)
                .hasMessageContaining("only 1 of the 3 voters hold the backup, 2 must")
                .hasMessageContaining("Nothing was changed");
            assertThat(backupFiles(cluster, via)).as("the refused restore's file is gone").isEmpty();
            cluster.network().heal();
            for (String id : cluster.running()) {
                assertThat(cluster.store(id).get("after-backup", ReadConsistency.LINEARIZABLE)).as("on %s", id)
                    .isPresent();
            }

            long index = cluster.node(via).restoreFrom(new ByteArrayInputStream(backup));
            for (String id : cluster.running()) {
                assertRestored(cluster, id, index);
            }
            assertThat(cluster.node(via).operationsInProgress()).as("nothing under way once done").isEmpty();
        }
    }

    private static String load(RaftTestCluster cluster) {
        String leader = cluster.awaitLeader();
        Map<String, String> batch = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            batch.put(String.format("key-%05d", i), "v".repeat(300));
            if (batch.size() == 100) {
                cluster.store(leader).putAll(batch);
                batch.clear();
            }
        }
        return leader;
    }

    /** A backup through {@code via}, then a write and a delete the restore must undo. */
    private static byte[] backupThenWrite(RaftTestCluster cluster, String via, String leader) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cluster.node(via).backupTo(out);
        cluster.store(leader).put("after-backup", "must be gone after the restore");
        cluster.store(leader).delete("key-00000");
        return out.toByteArray();
    }

    private static void assertRestored(RaftTestCluster cluster, String id, long index) {
        await().atMost(Duration.ofSeconds(60)).until(() -> cluster.node(id).status().appliedIndex() >= index);
        assertThat(cluster.store(id).get("after-backup", ReadConsistency.LOCAL)).as("on %s", id).isEmpty();
        assertThat(cluster.store(id).get("key-00000", ReadConsistency.LOCAL)).as("on %s", id).isPresent();
        assertThat(cluster.store(id).size(ReadConsistency.LOCAL)).as("on %s", id).isEqualTo(KEYS);
    }

    private static List<Path> backupFiles(RaftTestCluster cluster, String id) throws IOException {
        Path restores = Path.of(cluster.context(id).getEnvironment().getRequiredProperty("raft.state-dir"))
            .resolve("restores");
        if (!Files.isDirectory(restores)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(restores)) {
            return files.filter(file -> file.toString().endsWith(".backup")).toList();
        }
    }

    /** A client's upload cut after {@code length} bytes. */
    private static final class CutStream extends InputStream {

        private final ByteArrayInputStream bytes;

        CutStream(byte[] backup, int length) {
            this.bytes = new ByteArrayInputStream(backup, 0, length);
        }

        @Override
        public int read() throws IOException {
            int read = bytes.read();
            if (read < 0) {
                throw new IOException("connection reset");
            }
            return read;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = bytes.read(buffer, offset, length);
            if (read < 0) {
                throw new IOException("connection reset");
            }
            return read;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class PlainApplication {
    }
}
