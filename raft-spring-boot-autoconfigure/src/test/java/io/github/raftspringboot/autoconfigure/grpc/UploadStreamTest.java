package io.github.raftspringboot.autoconfigure.grpc;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A restore's upload read as it arrives, asking gRPC for one more message per message taken. */
class UploadStreamTest {

    private final List<Integer> requested = new ArrayList<>();

    private final UploadStream upload = new UploadStream(requested::add);

    @Test
    void readsTheMessagesInOrderAndAsksForOneMorePerMessageTaken() throws Exception {
        byte[] file = new byte[200_000];
        new Random(3).nextBytes(file);
        upload.start();
        assertThat(requested).containsExactly(UploadStream.AHEAD);
        upload.arrived(ByteString.copyFrom(file, 0, 120_000));
        upload.arrived(ByteString.copyFrom(file, 120_000, 80_000));
        upload.completed();

        assertThat(upload.readAllBytes()).isEqualTo(file);
        assertThat(requested).containsExactly(UploadStream.AHEAD, 1, 1);
        assertThat(upload.count()).isEqualTo(file.length);
        assertThat(upload.sha256())
            .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
        assertThat(upload.head()).hasSize(UploadStream.HEAD_BYTES);
        assertThat(upload.head()[UploadStream.HEAD_BYTES - 1]).isEqualTo(file[UploadStream.HEAD_BYTES - 1]);
        assertThat(upload.read()).as("still at its end").isEqualTo(-1);
        assertThat(upload.cut()).isFalse();
    }

    @Test
    void aCancelledUploadFailsTheRead() throws IOException {
        upload.arrived(ByteString.copyFromUtf8("RAFT"));
        upload.failed(Status.CANCELLED.withDescription("client cancelled").asRuntimeException());
        assertThat(upload.read()).isEqualTo('R');
        assertThat(upload.readNBytes(3)).containsExactly('A', 'F', 'T');
        assertThatThrownBy(upload::read).isInstanceOf(IOException.class)
            .hasMessageContaining("the upload was cut")
            .hasMessageContaining("client cancelled");
        assertThat(upload.cut()).isTrue();
    }
}
