package io.github.raftspringboot.engine.atomix;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.atomix.primitive.operation.OperationId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The side of a restore on the node that takes it, with its peer in the same JVM: the backup reaches the peer before
 * the commit entry is proposed, the entry is sent again while there is no leader, and a restore that too few voters
 * could receive proposes nothing.
 */
class StreamedRestoreTest {

    @TempDir
    Path directory;

    private final byte[] state = new byte[3 * RestoreFileTransfers.PIECE_BYTES + 1234];

    private final List<AutoCloseable> closing = new java.util.ArrayList<>();

    StreamedRestoreTest() {
        new Random(11).nextBytes(state);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable each : closing) {
            each.close();
        }
    }

    @Test
    void theBackupReachesThePeerThenTheCommitIsSentAgainUntilALeaderTakesIt() throws Exception {
        RestoreFiles peer = files("node2");
        AtomicInteger attempts = new AtomicInteger();
        List<byte[]> proposed = new java.util.ArrayList<>();
        StreamedRestores node = node(peer, (operation, entry) -> {
            assertThat(operation).isEqualTo(StagedRestore.COMMIT_FILE);
            assertThat(peer.file(restoreId(entry))).as("the peer holds the backup before the entry").exists();
            if (attempts.incrementAndGet() <= 2) {
                return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.NO_LEADER, "no leader"));
            }
            proposed.add(entry);
            return CompletableFuture.completedFuture(42L);
        });

        assertThat(node.restoreFrom(new ByteArrayInputStream(backup()))).isEqualTo(42);

        assertThat(attempts).hasValue(3);
        String id = restoreId(proposed.get(0));
        assertThat(Files.readAllBytes(peer.file(id))).isEqualTo(state);
        assertThat(Files.readAllBytes(files.file(id))).as("this node's own copy").isEqualTo(state);
    }

    @Test
    void aRestoreTooFewVotersReceiveProposesNothing() throws Exception {
        AtomicInteger proposals = new AtomicInteger();
        StreamedRestores node = new StreamedRestores("node1", spool(), (operation, entry) -> {
            proposals.incrementAndGet();
            return CompletableFuture.completedFuture(1L);
        }, new LongOperations(), Duration.ofMinutes(1),
                Duration.ofMillis(10), transfers((member, request) -> CompletableFuture.failedFuture(
                        new java.net.ConnectException("connection refused"))),
                () -> new StreamedRestores.Members(List.of("node1", "node2", "node3"), Set.of("node1", "node2", "node3")));

        assertThatThrownBy(() -> node.restoreFrom(new ByteArrayInputStream(backup())))
            .isInstanceOf(RaftException.class)
            .hasMessageContaining("only 1 of the 3 voters hold the backup, 2 must")
            .hasMessageContaining("node2 (")
            .hasMessageContaining("Nothing was changed");
        assertThat(proposals).hasValue(0);
        try (var left = Files.list(directory.resolve("node1-restores"))) {
            assertThat(left).as("its own copy is gone too").isEmpty();
        }
    }

    private RestoreFiles files;

    private StreamedRestores node(RestoreFiles peer, java.util.function.BiFunction<OperationId, byte[],
            CompletableFuture<Long>> append) throws IOException {
        RestoreFileTransfers peerTransfers = new RestoreFileTransfers("node2", peer, (m, r) -> null, (m, r) -> null,
                List::of);
        closing.add(peerTransfers);
        return new StreamedRestores("node1", spool(), append, new LongOperations(), Duration.ofMinutes(1), Duration.ofMillis(10),
                transfers((member, request) -> peerTransfers.onPiece(request.getRestoreFilePiece())),
                () -> new StreamedRestores.Members(List.of("node1", "node2"), Set.of("node1", "node2")));
    }

    private RestoreFileTransfers transfers(
            java.util.function.BiFunction<String, ControlRequest, CompletableFuture<ControlReply>> bulk) {
        files = files("node1");
        RestoreFileTransfers transfers = new RestoreFileTransfers("node1", files, bulk, (m, r) -> null, List::of);
        closing.add(transfers);
        return transfers;
    }

    private RestoreFiles files(String nodeId) {
        RestoreFiles created = new RestoreFiles(directory.resolve(nodeId + "-restores"), false, nodeId);
        closing.add(created);
        return created;
    }

    private BackupSpool spool() throws IOException {
        return new BackupSpool(Files.createDirectories(directory.resolve("spool")), "node1", false);
    }

    private byte[] backup() {
        return new RaftBackup("node9", 77, java.time.Instant.now(), state).toByteArray();
    }

    private static String restoreId(byte[] entry) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(entry);
        byte[] id = new byte[buffer.getShort()];
        buffer.get(id);
        return new String(id, java.nio.charset.StandardCharsets.UTF_8);
    }
}
