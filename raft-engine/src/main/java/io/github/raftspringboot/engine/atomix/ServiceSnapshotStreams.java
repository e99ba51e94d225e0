package io.github.raftspringboot.engine.atomix;

import java.io.InputStream;
import java.io.OutputStream;

import io.atomix.primitive.service.BackupInput;
import io.atomix.primitive.service.BackupOutput;

/**
 * Atomix's snapshot output and input seen as Java streams, so that a {@link StateMachineService} can let the
 * application's state machine write and read its state in chunks; both report their progress to the snapshot's long
 * operation.
 */
final class ServiceSnapshotStreams {

    private ServiceSnapshotStreams() {
    }

    /** Atomix's snapshot output as a stream, counting the bytes written. */
    static final class CountingOutput extends OutputStream {

        private final BackupOutput output;

        private final LongOperations.Tracked progress;

        long count;

        CountingOutput(BackupOutput output, LongOperations.Tracked progress) {
            this.output = output;
            this.progress = progress;
        }

        @Override
        public void write(int b) {
            output.writeByte(b);
            count++;
            progress.done(count);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            output.write(bytes, offset, length);
            count += length;
            progress.done(count);
        }
    }

    /** Atomix's snapshot input as a stream. */
    static final class BackupInputStream extends InputStream {

        private final BackupInput input;

        private final LongOperations.Tracked progress;

        BackupInputStream(BackupInput input, LongOperations.Tracked progress) {
            this.input = input;
            this.progress = progress;
        }

        @Override
        public int read() {
            if (input.remaining() <= 0) {
                return -1;
            }
            progress.advance(1);
            return input.readUnsignedByte();
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            int piece = (int) Math.min(length, input.remaining());
            if (piece <= 0) {
                return (length == 0) ? 0 : -1;
            }
            input.read(bytes, offset, piece);
            progress.advance(piece);
            return piece;
        }
    }
}
