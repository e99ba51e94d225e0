package io.github.raftspringboot.autoconfigure.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.autoconfigure.TestCluster;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.backup.proto.RaftBackupGrpc;
import io.github.raftspringboot.backup.proto.RestoreChunk;
import io.github.raftspringboot.backup.proto.RestoreResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backup and restore end to end: {@code raftmanager backup} (a real process) of a 3-node cluster holding ~1 MB,
 * {@code raftmanager restore} of that file into a new 3-node cluster on fresh directories (through a follower, in
 * many chunks: entries are limited to 64KB), then every node reads every value locally, also after a restart from
 * disk. Bad files are refused with one clear line and leave the data as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupRestoreCliTest {

    /** Small entries, so that the restore needs many; small segments, so that a snapshot can compact the log. */
    private static final Map<String, String> SMALL_ENTRIES = Map.of("raft.limits.max-entry-size", "64KB",
            "raft.snapshot.segment-size", "256KB");

    Path dir;

    TestCluster source;

    TestCluster target;

    AdminClients sourceClients;

    AdminClients targetClients;

    final Map<String, String> data = new LinkedHashMap<>();

    Path backupFile;

    long restoredIndex;

    @BeforeAll
    void startClusters(@TempDir Path dir) {
        this.dir = dir;
        source = TestCluster.start(3, dir.resolve("source"), SMALL_ENTRIES, "source");
        target = TestCluster.start(3, dir.resolve("target"), SMALL_ENTRIES, "target");
        sourceClients = new AdminClients(source);
        targetClients = new AdminClients(target);
        String leader = source.awaitLeader();
        for (int i = 0; i < 64; i++) {
            String value = (char) ('a' + i % 26) + "-" + "x".repeat(16_000) + "-" + i;
            data.put("big/" + i, value);
            source.store(leader).put("big/" + i, value);
        }
        data.put("small", "1");
        source.store(leader).put("small", "1");
        target.awaitLeader();
        target.store(target.awaitLeader()).put("only-in-target", "gone after the restore");
    }

    @AfterAll
    void stopClusters() {
        sourceClients.close();
        targetClients.close();
        source.close();
        target.close();
    }

    @Test
    @Order(1)
    void backupWritesAVerifiedFileThroughAFollower() throws IOException {
        String follower = source.anyFollower();
        long lastWrite = ((RaftEngine) source.node(source.awaitLeader())).appliedIndex();
        backupFile = dir.resolve("cluster.raft");

        RaftManagerProcess.Result result = RaftManagerProcess.run(sourceClients.grpcAddress(follower), "backup",
                backupFile.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        RaftBackup backup;
        try (InputStream in = Files.newInputStream(backupFile)) {
            backup = RaftBackup.readFrom(in);
        }
        assertThat(backup.index()).isGreaterThanOrEqualTo(lastWrite);
        assertThat(backup.state().length).isGreaterThan(1_000_000);
        assertThat(result.out()).startsWith("Saved " + backupFile + ": index " + backup.index())
            .contains(Files.size(backupFile) + " bytes, sha256 " + RaftBackup.sha256Hex(Files.readAllBytes(backupFile)));
        try (var files = Files.list(dir)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.endsWith(".part"));
        }

        RaftManagerProcess.Result json = RaftManagerProcess.run("-o", "json", sourceClients.grpcAddress(follower),
                "backup", dir.resolve("second.raft").toString());
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"method\": \"Save\"").containsPattern("\"index\": \\d+")
            .contains("\"size\": " + Files.size(dir.resolve("second.raft")));
    }

    @Test
    @Order(2)
    void restoreIntoANewClusterThroughAFollowerReachesEveryNodeAndSurvivesARestart() {
        String follower = target.anyFollower();

        RaftManagerProcess.Result result = RaftManagerProcess.run(targetClients.grpcAddress(follower), "restore",
                backupFile.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        Matcher index = Pattern.compile("The restored state took effect at index (\\d+)").matcher(result.out());
        assertThat(index.find()).as(result.out()).isTrue();
        restoredIndex = Long.parseLong(index.group(1));
        for (String id : target.running()) {
            assertEveryValueReadLocally(id);
        }

        String restarted = target.anyFollower();
        long snapshotIndex = target.node(restarted).snapshot().join();
        assertThat(snapshotIndex).as("the restarted node starts from a snapshot that holds the restored state")
            .isGreaterThanOrEqualTo(restoredIndex);
        target.stop(restarted);
        target.startNode(restarted);
        assertEveryValueReadLocally(restarted);
    }

    @Test
    @Order(3)
    void badFilesAreRefusedWithOneLineAndChangeNothing() throws IOException {
        String node = target.anyFollower();
        String address = targetClients.grpcAddress(node);
        long sizeBefore = target.store(node).size(ReadConsistency.LOCAL);
        byte[] good = Files.readAllBytes(backupFile);

        byte[] damaged = good.clone();
        damaged[good.length / 2] ^= 0x20;
        assertRefused(address, "damaged.raft", damaged, "checksum mismatch: the backup file is damaged");
        assertRefused(address, "truncated.raft", Arrays.copyOf(good, good.length - 1000), "truncated");
        assertRefused(address, "notes.txt", "just some text\n".getBytes(StandardCharsets.UTF_8),
                "not a raft-spring-boot backup");
        assertRefused(address, "empty.raft", new byte[0], "not a raft-spring-boot backup: the file is empty");

        RaftManagerProcess.Result missing = RaftManagerProcess.run(address, "restore", dir.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().lines()).singleElement().asString().contains("cannot read").contains("no such file");

        // The server verifies too, for clients that do not.
        assertThat(uploadRaw(node, damaged)).satisfies(error -> {
            assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.getStatus().getDescription()).contains("checksum mismatch").contains("nothing was changed");
        });

        assertThat(target.store(node).size(ReadConsistency.LOCAL)).isEqualTo(sizeBefore);
        assertEveryValueReadLocally(node);
    }

    private void assertRefused(String address, String name, byte[] content, String message) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        RaftManagerProcess.Result result = RaftManagerProcess.run(address, "restore", file.toString());
        assertThat(result.exitCode()).as(name).isEqualTo(1);
        assertThat(result.err().lines()).as(name).singleElement().asString().startsWith("raftmanager: restore: ")
            .contains(message);
    }

    private StatusRuntimeException uploadRaw(String node, byte[] file) {
        CompletableFuture<RestoreResponse> answer = new CompletableFuture<>();
        StreamObserver<RestoreChunk> upload = RaftBackupGrpc.newStub(targetClients.channel(node))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .restore(new StreamObserver<>() {
                @Override
                public void onNext(RestoreResponse response) {
                    answer.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    answer.completeExceptionally(error);
                }

                @Override
                public void onCompleted() {
                }
            });
        upload.onNext(RestoreChunk.newBuilder().setData(ByteString.copyFrom(file)).build());
        upload.onCompleted();
        return (StatusRuntimeException) answer.handle((response, error) -> error).join();
    }

    private void assertEveryValueReadLocally(String id) {
        RaftEngine engine = (RaftEngine) target.node(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.appliedIndex() >= restoredIndex);
        assertThat(target.store(id).get("only-in-target", ReadConsistency.LOCAL)).as("restore replaces, not merges")
            .isEmpty();
        assertThat(target.store(id).size(ReadConsistency.LOCAL)).isEqualTo(data.size());
        data.forEach((key, value) -> assertThat(target.store(id).get(key, ReadConsistency.LOCAL))
            .as("%s on %s", key, id)
            .hasValueSatisfying(node -> assertThat(node.asString()).isEqualTo(value)));
    }
}
