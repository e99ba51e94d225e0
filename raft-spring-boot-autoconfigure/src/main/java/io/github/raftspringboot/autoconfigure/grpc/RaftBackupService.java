package io.github.raftspringboot.autoconfigure.grpc;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.InvalidBackupException;
import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.backup.proto.BackupChunk;
import io.github.raftspringboot.backup.proto.BackupMetadata;
import io.github.raftspringboot.backup.proto.RaftBackupGrpc;
import io.github.raftspringboot.backup.proto.RestoreChunk;
import io.github.raftspringboot.backup.proto.RestoreResponse;
import io.github.raftspringboot.backup.proto.SaveRequest;

/**
 * The RaftBackup gRPC service: {@code Save} streams a backup file of the cluster's state, {@code Restore} takes one
 * back. Both work on any node (see {@link RaftNode#backupTo} and {@link RaftNode#restoreFrom}) and never hold a backup
 * in the heap: a backup goes through a temporary file, a restore is read as it arrives, so a backup may be larger than
 * the heap.
 */
final class RaftBackupService extends RaftBackupGrpc.RaftBackupImplBase {

    /** Bytes of the backup file per message, well under gRPC's default 4 MiB message limit. */
    static final int CHUNK_SIZE = 1 << 20;

    private static final Logger logger = LoggerFactory.getLogger(RaftBackupService.class);

    private final RaftNode node;

    RaftBackupService(RaftNode node) {
        this.node = node;
    }

    /**
     * Takes the backup into a temporary file on a worker thread (it is not cut by the request timeout), then sends
     * the file in chunks as fast as the client reads them (gRPC flow control), never holding it in memory.
     */
    @Override
    public void save(SaveRequest request, StreamObserver<BackupChunk> response) {
        ServerCallStreamObserver<BackupChunk> call = (ServerCallStreamObserver<BackupChunk>) response;
        // gRPC takes these handlers only before this method returns: the pump they call is set once the file exists.
        AtomicReference<ChunkPump> pump = new AtomicReference<>();
        call.setOnReadyHandler(() -> {
            ChunkPump current = pump.get();
            if (current != null) {
                current.run();
            }
        });
        call.setOnCancelHandler(() -> {
            logger.info("A backup download was cancelled by the client");
            ChunkPump current = pump.get();
            if (current != null) {
                current.run();
            }
        });
        worker("raft-backup-save", () -> {
            SpooledBackupFile file = null;
            BackupMetadata metadata;
            try {
                file = SpooledBackupFile.create();
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file.path()), 1 << 16)) {
                    node.backupTo(out);
                }
                metadata = file.metadata();
            }
            catch (IOException | RuntimeException ex) {
                if (file != null) {
                    file.close();
                }
                response.onError(status("Backup", ex));
                return;
            }
            logger.info("Streaming a backup at index {} ({} bytes)", metadata.getIndex(), metadata.getSize());
            ChunkPump started = new ChunkPump(call, file, metadata);
            pump.set(started);
            started.run();
        });
    }

    /**
     * Restores the upload as it arrives: the node reads it on a worker thread (not cut by the request timeout), which
     * asks gRPC for each next message as it takes one, so the upload is never held whole, in memory or on disk here.
     */
    @Override
    public StreamObserver<RestoreChunk> restore(StreamObserver<RestoreResponse> response) {
        ServerCallStreamObserver<RestoreResponse> call = (ServerCallStreamObserver<RestoreResponse>) response;
        call.disableAutoRequest();
        UploadStream upload = new UploadStream(call::request);
        upload.start();
        worker("raft-backup-restore", () -> restore(upload, response));
        return new StreamObserver<>() {

            @Override
            public void onNext(RestoreChunk chunk) {
                upload.arrived(chunk.getData());
            }

            @Override
            public void onError(Throwable error) {
                logger.info("A restore upload was abandoned by the client: {}", Status.fromThrowable(error));
                upload.failed(error);
            }

            @Override
            public void onCompleted() {
                upload.completed();
            }
        };
    }

    private void restore(UploadStream upload, StreamObserver<RestoreResponse> response) {
        try {
            long index;
            try {
                index = node.restoreFrom(upload);
            }
            catch (InvalidBackupException ex) {
                response.onError(Status.INVALID_ARGUMENT
                    .withDescription("Restore refused, nothing was changed: " + ex.getMessage())
                    .asRuntimeException());
                return;
            }
            RaftBackup.Streamed header = RaftBackup.open(new ByteArrayInputStream(upload.head()));
            BackupMetadata metadata = BackupMetadata.newBuilder()
                .setNodeId(header.nodeId())
                .setIndex(header.index())
                .setCreatedAtMillis(header.createdAt().toEpochMilli())
                .setSize(upload.count())
                .setSha256(upload.sha256())
                .setFormatVersion(RaftBackup.FORMAT_VERSION)
                .build();
            response.onNext(RestoreResponse.newBuilder().setIndex(index).setBackup(metadata).build());
            response.onCompleted();
        }
        catch (IOException | RuntimeException ex) {
            if (upload.cut()) {
                // Logged when the client went; nothing was committed, and no one is left to answer.
                logger.debug("The restore of an abandoned upload stopped: {}", ex.toString());
                response.onError(Status.CANCELLED.withDescription("Restore abandoned by the client, nothing was "
                        + "changed").asRuntimeException());
                return;
            }
            response.onError(status("Restore", ex));
        }
    }

    /** Runs a long operation on its own thread, outside the call's gRPC Context (so it is not cancelled with it). */
    private static void worker(String name, Runnable task) {
        Thread thread = new Thread(() -> Context.ROOT.run(() -> {
            try {
                task.run();
            }
            catch (RuntimeException ex) {
                logger.error("{} failed", name, ex);
            }
        }), name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        }
        catch (IOException ex) {
            logger.warn("Could not close a temporary backup file: {}", ex.toString());
        }
    }

    /** Sends the file's chunks while the client is ready for more, then deletes the file. */
    private static final class ChunkPump implements Runnable {

        private final ServerCallStreamObserver<BackupChunk> call;

        private final SpooledBackupFile file;

        private final BackupMetadata metadata;

        private InputStream in;

        private boolean first = true;

        private boolean done;

        ChunkPump(ServerCallStreamObserver<BackupChunk> call, SpooledBackupFile file, BackupMetadata metadata) {
            this.call = call;
            this.file = file;
            this.metadata = metadata;
        }

        @Override
        public synchronized void run() {
            if (done) {
                return;
            }
            try {
                if (in == null) {
                    in = file.open();
                }
                while (call.isReady() && !call.isCancelled()) {
                    byte[] bytes = in.readNBytes(CHUNK_SIZE);
                    if (bytes.length == 0 && !first) {
                        finish();
                        call.onCompleted();
                        return;
                    }
                    BackupChunk.Builder chunk = BackupChunk.newBuilder().setData(ByteString.copyFrom(bytes));
                    if (first) {
                        chunk.setMetadata(metadata);
                        first = false;
                    }
                    call.onNext(chunk.build());
                }
                if (call.isCancelled()) {
                    finish();
                }
            }
            catch (IOException | RuntimeException ex) {
                finish();
                call.onError(status("Backup", ex));
            }
        }

        private void finish() {
            done = true;
            if (in != null) {
                try {
                    in.close();
                }
                catch (IOException ex) {
                    logger.warn("Could not close the temporary backup file: {}", ex.toString());
                }
            }
            file.close();
        }
    }

    private static final class NoOpObserver<T> implements StreamObserver<T> {

        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable error) {
        }

        @Override
        public void onCompleted() {
        }
    }

    /** A gRPC status for an engine failure, keeping its message. */
    static StatusRuntimeException status(String operation, Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (!(cause instanceof RaftException failure)) {
            logger.warn("{} failed", operation, cause);
            return Status.INTERNAL.withDescription(operation + " failed: " + cause).withCause(cause)
                .asRuntimeException();
        }
        Status status = switch (failure.reason()) {
            case NO_LEADER, NOT_LEADER, SHUTDOWN -> Status.UNAVAILABLE;
            case TIMEOUT -> Status.DEADLINE_EXCEEDED;
            case INVALID_REQUEST, CONFIGURATION_CHANGED, CONFIGURATION_BUSY, UNKNOWN_SERVER, ADDRESS_CONFLICT,
                    UNSAFE_RECONFIGURATION -> Status.FAILED_PRECONDITION;
            default -> Status.INTERNAL;
        };
        return status.withDescription(failure.getMessage()).withCause(failure).asRuntimeException();
    }
}
