package io.github.raftspringboot.engine.atomix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.engine.atomix.peer.RestoreFilePiece;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a node receives, verifies, keeps and deletes the backups that restores send it. */
class RestoreFilesTest {

    @TempDir
    Path directory;

    private RestoreFiles files;

    private final byte[] backup = new byte[100_000];

    private final String id = UUID.randomUUID().toString();

    RestoreFilesTest() {
        new Random(7).nextBytes(backup);
    }

    @AfterEach
    void close() {
        if (files != null) {
            files.close();
        }
    }

    @Test
    void piecesArrivingInAnyOrderMakeTheVerifiedFile() throws Exception {
        files = new RestoreFiles(directory, false, "node1");
        var arrival = files.arrival(id, backup.length);
        assertThat(files.receive(piece(id, 1, 60_000, 40_000)).join()).isEqualTo(40_000);
        assertThat(files.holds(id, backup.length)).isFalse();
        assertThat(arrival).isNotDone();
        assertThat(files.receive(piece(id, 1, 0, 60_000)).join()).isEqualTo(backup.length);

        assertThat(arrival).isCompleted();
        assertThat(files.holds(id, backup.length)).isTrue();
        assertThat(Files.readAllBytes(files.file(id))).isEqualTo(backup);
        assertThat(files.receive(piece(id, 2, 0, 60_000)).join()).as("sent again: held already")
            .isEqualTo(backup.length);
    }

    @Test
    void aNewTransferStartsTheFileAgain() {
        files = new RestoreFiles(directory, false, "node1");
        files.receive(piece(id, 1, 0, 60_000)).join();
        // The first transfer was cut; the sender starts again from its first piece, under a new number.
        assertThat(files.receive(piece(id, 2, 60_000, 40_000)).join()).isEqualTo(40_000);
        assertThat(files.receive(piece(id, 2, 0, 60_000)).join()).isEqualTo(backup.length);
        assertThat(files.holds(id, backup.length)).isTrue();
    }

    @Test
    void aDamagedFileIsRefusedAndNotKept() {
        files = new RestoreFiles(directory, false, "node1");
        byte[] sha256 = Sha256.of(backup);
        backup[70_000] ^= 1;
        var arrival = files.arrival(id, backup.length);
        files.receive(piece(id, 1, 0, 60_000, sha256)).join();
        assertThatThrownBy(() -> files.receive(piece(id, 1, 60_000, 40_000, sha256)).join())
            .isInstanceOf(CompletionException.class)
            .hasMessageContaining("arrived damaged (SHA-256 mismatch)");
        assertThat(files.holds(id, backup.length)).isFalse();
        assertThat(directory.toFile().list()).isEmpty();
        assertThat(arrival).as("whoever waits for it asks another member at once").isCompletedExceptionally();
    }

    @Test
    void piecesThatDoNotFitAreRefusedBeforeAnythingIsWritten() {
        files = new RestoreFiles(directory, false, "node1");
        assertThatThrownBy(() -> files.receive(piece("../../etc/passwd", 1, 0, 10)).join())
            .hasMessageContaining("names no valid restore id");
        assertThatThrownBy(() -> files.receive(piece(id, 1, 0, 10).toBuilder().setOffset(99_999).build()).join())
            .hasMessageContaining("lies outside its file (99999 + 10 of 100000 bytes)");
        assertThatThrownBy(() -> files.receive(piece(id, 1, 0, 10).toBuilder().setOffset(99_990).clearSha256().build())
            .join()).hasMessageContaining("must carry the file's SHA-256 (32 bytes) if it ends the file");
        assertThatThrownBy(() -> files.receive(piece(id, 1, 0, 10).toBuilder()
            .setSha256(ByteString.copyFrom(new byte[32]))
            .build()).join()).hasMessageContaining("and only then");
        assertThatThrownBy(() -> files.receive(piece(id, 1, 0, 10).toBuilder().setSize(-1).build()).join())
            .hasMessageContaining("no valid size");
        assertThat(directory.toFile().list()).isEmpty();
    }

    @Test
    void aFileIsKeptUntilTheLogNoLongerHoldsItsEntry() throws Exception {
        files = new RestoreFiles(directory, false, "node1");
        receiveWhole(id);
        files.applied(id, 50);
        files.prune(50);
        assertThat(files.holds(id, backup.length)).as("the log still starts at the entry").isTrue();
        files.prune(51);
        assertThat(files.holds(id, backup.length)).isFalse();
        assertThat(directory.toFile().list()).isEmpty();
    }

    @Test
    void aFileNeverAppliedIsKeptForADay() throws Exception {
        files = new RestoreFiles(directory, false, "node1");
        receiveWhole(id);
        files.prune(1_000);
        assertThat(files.holds(id, backup.length)).as("its entry may still come").isTrue();
        Files.setLastModifiedTime(files.file(id), FileTime.from(Instant.now()
            .minus(RestoreFiles.UNAPPLIED_KEPT)
            .minus(Duration.ofMinutes(1))));
        files.prune(1_000);
        assertThat(files.holds(id, backup.length)).isFalse();
    }

    @Test
    void aFileDamagedOnDiskSinceItArrivedIsDeletedBeforeItIsApplied() throws Exception {
        files = new RestoreFiles(directory, false, "node1");
        receiveWhole(id);
        byte[] sha256 = Sha256.of(backup);
        assertThat(files.intact(id, sha256)).isTrue();
        byte[] onDisk = Files.readAllBytes(files.file(id));
        onDisk[500] ^= 1;
        Files.write(files.file(id), onDisk);
        files.close();
        // A restarted node did not check the file itself: it reads it whole.
        files = new RestoreFiles(directory, false, "node1");
        assertThat(files.intact(id, sha256)).isFalse();
        assertThat(files.holds(id, backup.length)).as("deleted, to be fetched again").isFalse();
    }

    @Test
    void aFileCheckedOnArrivalIsReadAgainOnlyOnceItsSizeOrTimeChanged() throws Exception {
        files = new RestoreFiles(directory, false, "node1");
        receiveWhole(id);
        byte[] sha256 = Sha256.of(backup);
        FileTime arrived = Files.getLastModifiedTime(files.file(id));
        byte[] onDisk = Files.readAllBytes(files.file(id));
        onDisk[500] ^= 1;
        Files.write(files.file(id), onDisk);
        // The check on arrival stands while the file is as it was then: it is not read a second time.
        Files.setLastModifiedTime(files.file(id), arrived);
        assertThat(files.intact(id, sha256)).isTrue();
        // Asked with another SHA-256, it is read: the damaged bytes are what match it.
        assertThat(files.intact(id, Sha256.of(onDisk))).isTrue();

        Files.setLastModifiedTime(files.file(id), FileTime.from(arrived.toInstant().plusSeconds(1)));
        assertThat(files.intact(id, sha256)).as("changed since: read").isFalse();
        assertThat(files.holds(id, backup.length)).isFalse();
    }

    @Test
    void aTransferCutByAStopIsDroppedAtTheNextStart() throws Exception {
        files = new RestoreFiles(directory, false, "node1");
        files.receive(piece(id, 1, 0, 60_000)).join();
        files.close();
        files = new RestoreFiles(directory, false, "node1");
        assertThat(directory.toFile().list()).isEmpty();
    }

    private void receiveWhole(String restoreId) {
        files.receive(piece(restoreId, 1, 0, backup.length)).join();
    }

    private RestoreFilePiece piece(String restoreId, long transfer, int offset, int length) {
        return piece(restoreId, transfer, offset, length, Sha256.of(backup));
    }

    /** A piece as a sender makes it: the file's SHA-256 on the piece that ends the file only. */
    private RestoreFilePiece piece(String restoreId, long transfer, int offset, int length, byte[] sha256) {
        int bytes = Math.min(length, backup.length - Math.max(0, offset));
        RestoreFilePiece.Builder piece = RestoreFilePiece.newBuilder()
            .setId(restoreId)
            .setSize(backup.length)
            .setTransfer(transfer)
            .setOffset(offset)
            .setData(ByteString.copyFrom(backup, offset, bytes));
        if (offset + bytes == backup.length) {
            piece.setSha256(ByteString.copyFrom(sha256));
        }
        return piece.build();
    }
}
