package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.cluster.impl.DefaultRaftMember;
import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.protocols.raft.storage.system.Configuration;
import io.atomix.utils.serializer.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.engine.RaftStartupException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The term/vote and configuration files in Atomix's layout: well-formed ones pass, damaged ones are named. */
class MetaFilesCheckTest {

    @TempDir
    Path dir;

    @Test
    void wellFormedOrMissingFilesPass() throws IOException {
        assertThatCode(this::check).doesNotThrowAnyException();
        write("raft.meta", meta(7, "node2"));
        write("raft.conf", conf(Serializer.using(RaftNamespaces.RAFT_STORAGE).encode(configuration())));
        assertThatCode(this::check).doesNotThrowAnyException();
        write("raft.meta", meta(7, null));
        write("raft.conf", new byte[32]);
        assertThatCode(this::check).doesNotThrowAnyException();
    }

    @Test
    void aDamagedTermAndVoteFileIsNamed() throws IOException {
        write("raft.meta", new byte[] { 0, 0, 1 });
        assertDamaged("raft.meta", "fewer than the term and the vote marker");
        write("raft.meta", meta(-3, null));
        assertDamaged("raft.meta", "its term is negative");
        byte[] marker = meta(7, "node2");
        marker[8] = 9;
        write("raft.meta", marker);
        assertDamaged("raft.meta", "neither 0 nor 1");
        byte[] longVote = meta(7, "node2");
        ByteBuffer.wrap(longVote).putShort(9, (short) 4000);
        write("raft.meta", longVote);
        assertDamaged("raft.meta", "runs past the end of the file");
        byte[] notText = meta(7, "node2");
        notText[11] = (byte) 0xff;
        write("raft.meta", notText);
        assertDamaged("raft.meta", "not valid UTF-8");
    }

    @Test
    void aDamagedConfigurationFileIsNamed() throws IOException {
        byte[] encoded = Serializer.using(RaftNamespaces.RAFT_STORAGE).encode(configuration());
        byte[] marker = conf(encoded);
        marker[0] = 4;
        write("raft.conf", marker);
        assertDamaged("raft.conf", "neither 0 nor 1");
        byte[] cut = conf(encoded);
        write("raft.conf", Arrays.copyOf(cut, 5 + encoded.length / 2));
        assertDamaged("raft.conf", "is said to be " + encoded.length + " bytes long");
        byte[] garbage = conf(encoded);
        for (int i = 5; i < garbage.length; i++) {
            garbage[i] = (byte) 0xA5;
        }
        write("raft.conf", garbage);
        assertDamaged("raft.conf", "its cluster configuration cannot be read");
    }

    private void assertDamaged(String file, String what) {
        assertThatThrownBy(this::check).isInstanceOf(RaftStartupException.class)
            .hasMessageContaining(dir.resolve(file) + " is damaged: ")
            .hasMessageContaining(what)
            .satisfies(ex -> assertThat(((RaftStartupException) ex).problem())
                .isEqualTo(RaftStartupException.Problem.STATE_DIR_DAMAGED));
    }

    private void check() throws IOException {
        new MetaFilesCheck(dir, "raft", (file, what) -> new RaftStartupException(
                RaftStartupException.Problem.STATE_DIR_DAMAGED, file + " is damaged: " + what, "rebuild", null))
            .run();
    }

    private void write(String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }

    /** Atomix's raft.meta: the term, then a vote marker and the member id; padded to 16 bytes as Atomix does. */
    private static byte[] meta(long term, String vote) {
        byte[] id = (vote == null) ? new byte[0] : vote.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(16, 11 + id.length));
        buffer.putLong(term);
        if (vote == null) {
            buffer.put((byte) 0);
        }
        else {
            buffer.put((byte) 1).putShort((short) id.length).put(id);
        }
        return buffer.array();
    }

    private static byte[] conf(byte[] encoded) {
        return ByteBuffer.allocate(Math.max(32, 5 + encoded.length)).put((byte) 1).putInt(encoded.length).put(encoded)
            .array();
    }

    private static Configuration configuration() {
        return new Configuration(1, 1, System.currentTimeMillis(),
                new ArrayList<>(List.of(new DefaultRaftMember(MemberId.from("node1"), RaftMember.Type.ACTIVE,
                        Instant.now()))));
    }
}
