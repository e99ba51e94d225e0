package io.github.raftspringboot.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftBackupTest {

    private final RaftBackup backup = new RaftBackup("node1", 42, Instant.ofEpochMilli(1_700_000_000_123L),
            "{\"a\":1,\"b\":\"two\"}".getBytes(StandardCharsets.UTF_8));

    @Test
    void readsBackWhatItWrote() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        backup.writeTo(out);

        RaftBackup read = RaftBackup.readFrom(new ByteArrayInputStream(out.toByteArray()));

        assertThat(read.nodeId()).isEqualTo("node1");
        assertThat(read.index()).isEqualTo(42);
        assertThat(read.createdAt()).isEqualTo(backup.createdAt());
        assertThat(read.state()).isEqualTo(backup.state());
        assertThat(out.toByteArray()).isEqualTo(backup.toByteArray()).startsWith("RAFTSBBK".getBytes());
    }

    @Test
    void refusesAFileThatIsNotABackup() {
        assertThatThrownBy(() -> RaftBackup.fromByteArray("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(InvalidBackupException.class)
            .hasMessageStartingWith("not a raft-spring-boot backup");
        assertThatThrownBy(() -> RaftBackup.fromByteArray(new byte[0])).isInstanceOf(InvalidBackupException.class)
            .hasMessageContaining("not a raft-spring-boot backup: the file is empty");
    }

    @Test
    void refusesATruncatedBackup() {
        byte[] bytes = backup.toByteArray();
        for (int length : new int[] { 10, 30, bytes.length - 33, bytes.length - 1 }) {
            assertThatThrownBy(() -> RaftBackup.fromByteArray(Arrays.copyOf(bytes, length)))
                .as("cut at %d", length)
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("truncated");
        }
    }

    @Test
    void refusesADamagedBackupWhereverTheByteIsFlipped() {
        byte[] bytes = backup.toByteArray();
        int nodeIdStart = 8 + 4 + 4;
        for (int position = nodeIdStart; position < bytes.length; position++) {
            byte[] damaged = bytes.clone();
            damaged[position] ^= 0x01;
            int at = position;
            assertThatThrownBy(() -> RaftBackup.fromByteArray(damaged)).as("flipped at %d", at)
                .isInstanceOf(InvalidBackupException.class)
                .message()
                .containsAnyOf("checksum mismatch: the backup file is damaged", "truncated");
        }
    }

    @Test
    void refusesAnotherFormatVersion() {
        byte[] bytes = backup.toByteArray();
        bytes[11] = 9;
        assertThatThrownBy(() -> RaftBackup.fromByteArray(bytes)).isInstanceOf(InvalidBackupException.class)
            .hasMessageContaining("unsupported backup format version 9");
    }

    @Test
    void aStreamedBackupIsTheSameFileAndIsVerifiedAtTheEndOfItsState() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RaftBackup.write(out, "node1", 42, backup.createdAt(), backup.state().length,
                new ByteArrayInputStream(backup.state()));
        assertThat(out.toByteArray()).isEqualTo(backup.toByteArray());

        RaftBackup.Streamed streamed = RaftBackup.open(new ByteArrayInputStream(out.toByteArray()));
        assertThat(streamed.nodeId()).isEqualTo("node1");
        assertThat(streamed.index()).isEqualTo(42);
        assertThat(streamed.stateLength()).isEqualTo(backup.state().length);
        assertThat(streamed.state().readAllBytes()).isEqualTo(backup.state());

        byte[] damaged = out.toByteArray();
        damaged[damaged.length - 40] ^= 1;
        RaftBackup.Streamed bad = RaftBackup.open(new ByteArrayInputStream(damaged));
        assertThatThrownBy(() -> bad.state().readAllBytes()).isInstanceOf(InvalidBackupException.class)
            .hasMessageContaining("checksum mismatch");
    }

    @Test
    void aStateShorterThanAnnouncedIsNotWritten() {
        assertThatThrownBy(() -> RaftBackup.write(new ByteArrayOutputStream(), "node1", 1, Instant.now(), 100,
                new ByteArrayInputStream(new byte[10])))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("90 bytes before the 100 bytes announced");
    }
}
