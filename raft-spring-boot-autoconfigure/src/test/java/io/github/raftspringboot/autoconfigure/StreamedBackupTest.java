package io.github.raftspringboot.autoconfigure;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.InvalidBackupException;
import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.ReadConsistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Streamed backups on a 3-node cluster: a backup taken through a follower with {@code backupTo} and restored through
 * another follower with {@code restoreFrom}, the state spanning many restore chunks (16 KB entries); a damaged or
 * cut stream is refused and changes nothing; no spool file is left behind.
 */
class StreamedBackupTest {

    private static final int KEYS = 400;

    @TempDir
    Path dir;

    @Test
    void aStreamedBackupRoundTripsAndADamagedStreamChangesNothing() throws IOException {
        try (TestCluster cluster = TestCluster.start(3, dir, Map.of("raft.limits.max-entry-size", "16KB"))) {
            String leader = cluster.awaitLeader();
            Map<String, String> batch = new LinkedHashMap<>();
            for (int i = 0; i < KEYS; i++) {
                batch.put(String.format("key-%04d", i), "v".repeat(250) + i);
                if (batch.size() == 40) {
                    cluster.store(leader).putAll(batch);
                    batch.clear();
                }
            }
            List<String> followers = cluster.running().stream().filter(id -> !id.equals(leader)).toList();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long index = cluster.node(followers.get(0)).backupTo(out);
            byte[] file = out.toByteArray();
            RaftBackup backup = RaftBackup.fromByteArray(file);
            assertThat(backup.index()).isEqualTo(index);
            assertThat(backup.nodeId()).isEqualTo(followers.get(0));
            assertThat(backup.state().length).as("state spanning many 8 KB restore chunks")
                .isGreaterThan(10 * 8 * 1024);

            cluster.store(leader).put("after-backup", "written later");
            cluster.store(leader).delete("key-0000");

            byte[] damaged = file.clone();
            damaged[file.length / 2] ^= 0x40;
            byte[] cut = Arrays.copyOf(file, file.length - 100);
            for (byte[] bad : List.of(damaged, cut)) {
                assertThatThrownBy(() -> cluster.node(followers.get(1)).restoreFrom(new ByteArrayInputStream(bad)))
                    .isInstanceOf(InvalidBackupException.class);
            }
            for (String id : cluster.running()) {
                assertThat(cluster.store(id).get("after-backup", ReadConsistency.LINEARIZABLE))
                    .as("a refused stream changes nothing on %s", id).isPresent();
            }

            long restoredAt = cluster.node(followers.get(1)).restoreFrom(new ByteArrayInputStream(file));
            assertThat(restoredAt).isGreaterThan(index);
            for (String id : cluster.running()) {
                await().atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.store(id).get("after-backup", ReadConsistency.LOCAL).isEmpty());
                assertThat(cluster.store(id).size(ReadConsistency.LOCAL)).isEqualTo(KEYS);
                assertThat(cluster.store(id).get("key-0000", String.class)).contains("v".repeat(250) + 0);
            }
            assertThat(spoolFiles()).as("spool files left behind").isEmpty();
        }
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(file -> file.getParent().getFileName().toString().equals("spool")).toList();
        }
    }
}
