package io.github.raftspringboot.autoconfigure.disk;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A damaged term/vote file ({@code raft.meta}) or cluster configuration ({@code raft.conf}) stops the start with a
 * failure analysis that names the file and says how to rebuild the node, instead of a buffer or serializer error
 * (or, for a {@code raft.meta} cut short, a node that silently forgets its term and vote). The untouched files
 * start the node again with its data.
 */
@ExtendWith(OutputCaptureExtension.class)
class MetaFilesDamageTest {

    @TempDir
    Path dir;

    @Test
    void aDamagedTermVoteOrConfigurationFileStopsTheStartAndNamesTheFile(CapturedOutput output) throws Exception {
        try (TestCluster cluster = TestCluster.start(1, dir, Map.of())) {
            String node = cluster.awaitLeader();
            cluster.store(node).put("kept", "yes");
            cluster.stop(node);
            Path stateDir = dir.resolve(node);
            Path meta = stateDir.resolve("raft.meta");
            Path conf = stateDir.resolve("raft.conf");
            byte[] metaBytes = Files.readAllBytes(meta);
            byte[] confBytes = Files.readAllBytes(conf);
            assertThat(ByteBuffer.wrap(metaBytes).getLong(0)).as("the stored term").isPositive();
            assertThat(confBytes[0]).as("a configuration is stored").isEqualTo((byte) 1);

            // A term file cut short: Atomix would pad it with zeros and forget the term and the vote.
            Files.write(meta, new byte[] { 0, 0, 0 });
            assertDamaged(cluster, node, output, meta, "fewer than the term and the vote marker");
            Files.write(meta, metaBytes);

            // A vote marker that is neither 0 nor 1.
            byte[] badVote = metaBytes.clone();
            badVote[8] = 7;
            Files.write(meta, badVote);
            assertDamaged(cluster, node, output, meta, "neither 0 nor 1");
            Files.write(meta, metaBytes);

            // A configuration whose bytes no longer decode.
            byte[] badConf = confBytes.clone();
            int length = ByteBuffer.wrap(badConf).getInt(1);
            for (int i = 5; i < 5 + length; i++) {
                badConf[i] = (byte) 0xA5;
            }
            Files.write(conf, badConf);
            assertDamaged(cluster, node, output, conf, "cluster configuration");
            Files.write(conf, confBytes);

            // Its own files back: the node starts with its data.
            cluster.startNode(node);
            cluster.awaitLeader();
            assertThat(cluster.store(node).get("kept", ReadConsistency.LINEARIZABLE)).isPresent();
        }
    }

    private static void assertDamaged(TestCluster cluster, String node, CapturedOutput output, Path file,
            String what) {
        int before = output.getAll().length();
        assertThatThrownBy(() -> cluster.startNode(node)).isNotNull();
        String log = output.getAll().substring(before);
        assertThat(log).contains("APPLICATION FAILED TO START")
            .contains("is damaged: " + file + " cannot be trusted")
            .contains(what)
            .contains("mv " + file.getParent() + " " + file.getParent() + ".damaged")
            .contains("raft.bootstrap=false");
    }
}
