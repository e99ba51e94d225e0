package io.github.raftspringboot.engine.atomix;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.grpc.MethodDescriptor;

/** Carries raw bytes as a gRPC message: the Raft messages are serialised by Atomix's own serializer. */
final class ByteArrayMarshaller implements MethodDescriptor.Marshaller<byte[]> {

    static final ByteArrayMarshaller INSTANCE = new ByteArrayMarshaller();

    @Override
    public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not read a Raft peer message", ex);
        }
    }
}
