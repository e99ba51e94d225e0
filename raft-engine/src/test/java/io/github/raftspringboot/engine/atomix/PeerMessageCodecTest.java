package io.github.raftspringboot.engine.atomix;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.atomix.protocols.raft.protocol.RaftRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PeerMessageCodecTest {

    private final PeerMessageCodec codec = new PeerMessageCodec();

    @Test
    void aRaftMessageIsReadWhereItLiesInAStreamMessage() {
        byte[] data = new byte[300_000];
        data[0] = 1;
        data[data.length - 1] = 2;
        InstallRequest request = InstallRequest.builder()
            .withTerm(7)
            .withLeader(MemberId.from("node1"))
            .withIndex(539)
            .withTimestamp(123_456)
            .withVersion(1)
            .withOffset(12)
            .withData(data)
            .withComplete(false)
            .build();
        byte[] message = PeerStreamFrames.withId(42,
                PeerMessageCodec.frame(PeerMessageCodec.RAFT_MESSAGE, codec.encode(request)));

        RaftRequest decoded = codec.decodeFrame(message, PeerStreamFrames.ID_BYTES);

        assertThat(decoded).isInstanceOfSatisfying(InstallRequest.class, install -> {
            assertThat(install.term()).isEqualTo(7);
            assertThat(install.leader()).isEqualTo(MemberId.from("node1"));
            assertThat(install.snapshotIndex()).isEqualTo(539);
            assertThat(install.chunkOffset()).isEqualTo(12);
            assertThat(install.complete()).isFalse();
            assertThat(install.data()).isEqualTo(data);
        });
    }

    @Test
    void beatsAndControlMessagesAreRecognisedAtAnOffset() {
        byte[] beat = PeerStreamFrames.withId(3, PeerMessageCodec.beat(11));
        assertThat(PeerMessageCodec.isBeat(beat, PeerStreamFrames.ID_BYTES)).isTrue();
        assertThat(PeerMessageCodec.beatTerm(beat, PeerStreamFrames.ID_BYTES)).isEqualTo(11);
        assertThat(PeerMessageCodec.isControl(beat, PeerStreamFrames.ID_BYTES)).isFalse();
        assertThat(PeerMessageCodec.isBeat(PeerMessageCodec.beat(11), 0)).isTrue();
    }
}
