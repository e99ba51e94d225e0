package io.github.raftspringboot.engine.atomix;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The peer transport's message bytes in and out of gRPC: exact round trips, and no scratch buffer per message (an 8 KB
 * buffer for each message of a few hundred bytes was most of the transport's allocation per write).
 */
class ByteArrayMarshallerTest {

    private final ByteArrayMarshaller marshaller = ByteArrayMarshaller.INSTANCE;

    @Test
    void outgoingBytesAreDrainedInOneWriteWithTheirLengthKnown() throws Exception {
        byte[] message = message(400);
        InputStream stream = marshaller.stream(message);
        // gRPC's framer copies a stream that is not Drainable through a new 8 KB buffer.
        assertThat(stream).isInstanceOf(Drainable.class).isInstanceOf(KnownLength.class);
        assertThat(stream.available()).isEqualTo(400);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(((Drainable) stream).drainTo(out)).isEqualTo(400);
        assertThat(out.toByteArray()).isEqualTo(message);
        assertThat(stream.read()).isEqualTo(-1);
    }

    @Test
    void incomingBytesAreReadExactlyWhateverTheStream() {
        byte[] message = message(70_000);
        assertThat(marshaller.parse(new KnownLengthStream(message, message.length))).isEqualTo(message);
        assertThat(marshaller.parse(new ByteArrayInputStream(message))).isEqualTo(message);
        assertThat(marshaller.parse(new KnownLengthStream(message, 1000))).isEqualTo(message);
        assertThat(marshaller.parse(new KnownLengthStream(new byte[0], 0))).isEmpty();
    }

    @Test
    void parsingAMessageOfKnownLengthAllocatesOnlyItsBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] message = message(400);
        int messages = 10_000;
        KnownLengthStream[] streams = new KnownLengthStream[messages];
        for (int i = 0; i < messages; i++) {
            streams[i] = new KnownLengthStream(message, message.length);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        long total = 0;
        for (KnownLengthStream stream : streams) {
            total += marshaller.parse(stream).length;
        }
        long perMessage = (threads.getCurrentThreadAllocatedBytes() - before) / messages;
        assertThat(total).isEqualTo(400L * messages);
        // 416 bytes (the array) without a scratch buffer; over 8 KB with InputStream.readAllBytes.
        assertThat(perMessage).as("bytes allocated per parsed message").isLessThan(1024);
    }

    private static byte[] message(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    /** As gRPC hands a message to the marshaller: a stream that says how many bytes it holds (or fewer). */
    private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {

        private final int announced;

        KnownLengthStream(byte[] bytes, int announced) {
            super(bytes);
            this.announced = announced;
        }

        @Override
        public synchronized int available() {
            return Math.min(announced, count - pos);
        }
    }
}
