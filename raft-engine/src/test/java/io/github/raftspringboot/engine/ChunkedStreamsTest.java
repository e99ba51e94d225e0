package io.github.raftspringboot.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkedStreamsTest {

    private static final byte[] TRAILER = { 7, 8, 9 };

    @Test
    void readsBackWhatWasWrittenAndLeavesTheStreamAfterTheEndMarker() throws IOException {
        byte[] data = randomBytes(300_000);
        ReadCounting underlying = new ReadCounting(chunkedThenTrailer(data));

        ByteArrayOutputStream readBack = new ByteArrayOutputStream();
        try (ChunkedInputStream in = new ChunkedInputStream(underlying)) {
            byte[] piece = new byte[777];
            int read;
            while ((read = in.read(piece, 0, piece.length)) >= 0) {
                readBack.write(piece, 0, read);
            }
            assertThat(in.read()).isEqualTo(-1);
        }

        assertThat(readBack.toByteArray()).isEqualTo(data);
        assertThat(underlying.readAllBytes()).isEqualTo(TRAILER);
        // 300,000 bytes in 64 KB chunks: a header and a read per chunk, not one per 777-byte request.
        assertThat(underlying.reads).isLessThan(20);
    }

    @Test
    void singleByteReadsSeeTheSameBytes() throws IOException {
        byte[] data = randomBytes(70_000);
        try (ChunkedInputStream in = new ChunkedInputStream(chunkedThenTrailer(data))) {
            for (byte expected : data) {
                assertThat(in.read()).isEqualTo(expected & 0xff);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void closeSkipsWhatTheReaderLeftUpToTheEndMarker() throws IOException {
        InputStream underlying = chunkedThenTrailer(randomBytes(200_000));
        try (ChunkedInputStream in = new ChunkedInputStream(underlying)) {
            assertThat(in.read(new byte[10], 0, 10)).isEqualTo(10);
        }
        assertThat(underlying.readAllBytes()).isEqualTo(TRAILER);
    }

    @Test
    void aStreamCutInsideAChunkIsAnError() throws IOException {
        byte[] whole = chunkedThenTrailer(randomBytes(100_000)).readAllBytes();
        InputStream cut = new ByteArrayInputStream(whole, 0, 50_000);
        ChunkedInputStream in = new ChunkedInputStream(cut);
        assertThatThrownBy(() -> in.readAllBytes()).isInstanceOf(EOFException.class)
            .hasMessageContaining("inside a chunk");
    }

    @Test
    void aDamagedLengthIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeInt(-5);
        ChunkedInputStream in = new ChunkedInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("a chunk of -5 bytes");
    }

    private static InputStream chunkedThenTrailer(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ChunkedOutputStream out = new ChunkedOutputStream(bytes)) {
            // Written in uneven pieces, as a state machine does.
            List<Integer> cuts = new ArrayList<>(List.of(1, 5000, 90_000, 13));
            int at = 0;
            for (int i = 0; at < data.length; i++) {
                int piece = Math.min(cuts.get(i % cuts.size()), data.length - at);
                out.write(data, at, piece);
                at += piece;
            }
        }
        bytes.write(TRAILER);
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    private static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    /** Counts the reads made of it. */
    private static final class ReadCounting extends InputStream {

        private final InputStream in;

        int reads;

        ReadCounting(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            reads++;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            reads++;
            return in.read(b, off, len);
        }
    }
}
