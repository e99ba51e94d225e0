package io.github.raftspringboot.engine.atomix;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;

/**
 * Carries raw bytes as a gRPC message: the Raft messages are serialised by Atomix's own serializer.
 * <p>
 * Both directions avoid a scratch buffer per message: gRPC copies an outgoing stream that is not {@link Drainable}
 * through a new 8 KB buffer, and {@link InputStream#readAllBytes()} reads an incoming one through another; for the
 * few hundred bytes of a write's messages that was most of the transport's allocation.
 */
final class ByteArrayMarshaller implements MethodDescriptor.Marshaller<byte[]> {

    static final ByteArrayMarshaller INSTANCE = new ByteArrayMarshaller();

    @Override
    public InputStream stream(byte[] value) {
        return new DrainableBytes(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            if (!(stream instanceof KnownLength)) {
                return stream.readAllBytes();
            }
            int size = stream.available();
            byte[] bytes = new byte[size];
            int read = stream.readNBytes(bytes, 0, size);
            if (read < size) {
                return Arrays.copyOf(bytes, read);
            }
            int next = stream.read();
            if (next < 0) {
                return bytes;
            }
            // More than announced (not seen with gRPC's streams): keep everything.
            ByteArrayOutputStream all = new ByteArrayOutputStream(size + 1024);
            all.write(bytes);
            all.write(next);
            stream.transferTo(all);
            return all.toByteArray();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not read a Raft peer message", ex);
        }
    }

    /** The bytes of one message, which gRPC's framer writes out in one call instead of copying them through a buffer. */
    static final class DrainableBytes extends ByteArrayInputStream implements Drainable, KnownLength {

        DrainableBytes(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int drainTo(OutputStream target) throws IOException {
            int length = count - pos;
            target.write(buf, pos, length);
            pos = count;
            return length;
        }
    }
}
