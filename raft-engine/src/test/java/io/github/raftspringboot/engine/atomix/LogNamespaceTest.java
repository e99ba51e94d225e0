package io.github.raftspringboot.engine.atomix;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.atomix.primitive.operation.PrimitiveOperation;
import io.atomix.protocols.raft.partition.impl.RaftNamespaces;
import io.atomix.protocols.raft.storage.RaftStorage;
import io.atomix.protocols.raft.storage.log.RaftLog;
import io.atomix.protocols.raft.storage.log.RaftLogReader;
import io.atomix.protocols.raft.storage.log.entry.CommandEntry;
import io.atomix.storage.StorageLevel;
import io.atomix.utils.serializer.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The log's entries are read without writing to the buffer they are read from (Kryo 4 wrote into the log file's
 * mapped pages for every ASCII string), and they are the same bytes as with Atomix's namespace.
 */
class LogNamespaceTest {

    @TempDir
    Path dir;

    @Test
    void anEntryIsReadFromABufferThatCannotBeWritten() {
        byte[] bytes = LogNamespace.RAFT_STORAGE.serialize(command(7));

        CommandEntry read = LogNamespace.RAFT_STORAGE.deserialize(ByteBuffer.wrap(bytes).asReadOnlyBuffer());

        assertThat(read.term()).isEqualTo(3);
        assertThat(read.sequenceNumber()).isEqualTo(7);
        assertThat(read.operation().id().id()).isEqualTo("apply");
        assertThat(read.operation().value()).asString(StandardCharsets.UTF_8).isEqualTo("{\"k\":\"v\"}");
        // What the change is for: Atomix's own namespace writes into the buffer it reads.
        assertThatThrownBy(() -> RaftNamespaces.RAFT_STORAGE.deserialize(ByteBuffer.wrap(bytes).asReadOnlyBuffer()))
            .hasRootCauseInstanceOf(ReadOnlyBufferException.class);
    }

    @Test
    void entriesAreTheSameBytesAsWithAtomixsNamespace() {
        assertThat(LogNamespace.RAFT_STORAGE.serialize(command(42)))
            .isEqualTo(RaftNamespaces.RAFT_STORAGE.serialize(command(42)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "a", "ab", "apply", "caf\u00e9", "\u65e5\u672c", "x\u007f",
        "sixty-four characters or more, so Kryo writes it as UTF-8 with a length" })
    void everyFormOfStringReadsBackWithoutAWrite(String value) {
        assertRoundTrip(value, LogNamespace.RAFT_STORAGE);
        assertThat(LogNamespace.RAFT_STORAGE.serialize(value)).isEqualTo(RaftNamespaces.RAFT_STORAGE.serialize(value));
    }

    @Test
    void aNullStringAndAnEntryAfterAStringReadBack() {
        assertRoundTrip(new ArrayList<>(Arrays.asList("first", null, "third")), LogNamespace.RAFT_STORAGE);
    }

    @Test
    void aMappedLogReadsItsEntriesBack() {
        RaftStorage storage = RaftStorage.builder()
            .withPrefix("raft")
            .withDirectory(dir.toFile())
            .withStorageLevel(StorageLevel.MAPPED)
            .withNamespace(LogNamespace.RAFT_STORAGE)
            .build();
        try (RaftLog log = storage.openLog()) {
            for (int sequence = 1; sequence <= 100; sequence++) {
                log.writer().append(command(sequence));
            }
            log.writer().flush();
            List<Long> sequences = new ArrayList<>();
            try (RaftLogReader reader = log.openReader(1)) {
                while (reader.hasNext()) {
                    CommandEntry entry = (CommandEntry) reader.next().entry();
                    assertThat(entry.operation().id().id()).isEqualTo("apply");
                    sequences.add(entry.sequenceNumber());
                }
            }
            assertThat(sequences).hasSize(100).startsWith(1L).endsWith(100L);
        }
    }

    private static void assertRoundTrip(Object value, Namespace namespace) {
        byte[] bytes = namespace.serialize(value);
        Object read = namespace.deserialize(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        assertThat(read).isEqualTo(value);
    }

    private static CommandEntry command(long sequence) {
        return new CommandEntry(3, 1_700_000_000_000L, 11, sequence,
                PrimitiveOperation.operation(StateMachineService.APPLY,
                        "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
