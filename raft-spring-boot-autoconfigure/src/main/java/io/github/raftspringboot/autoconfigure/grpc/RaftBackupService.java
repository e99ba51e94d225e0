package io.github.raftspringboot.autoconfigure.grpc;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
 * back. Both work on any node (see {@link RaftNode#backup()} and {@link RaftNode#restore(RaftBackup)}).
 */
final class RaftBackupService extends RaftBackupGrpc.RaftBackupImplBase {

    /** Bytes of the backup file per message, well under gRPC's default 4 MiB message limit. */
    static final int CHUNK_SIZE = 1 << 20;

    /** A backup is held in memory as one array. */
    private static final long MAX_BACKUP_SIZE = Integer.MAX_VALUE - 1024;

    private static final Logger logger = LoggerFactory.getLogger(RaftBackupService.class);

    private final RaftNode node;

    RaftBackupService(RaftNode node) {
        this.node = node;
    }

    @Override
    public void save(SaveRequest request, StreamObserver<BackupChunk> response) {
        detached(node::backup).whenComplete((backup, error) -> {
            if (error != null) {
                response.onError(status("Backup", error));
                return;
            }
            byte[] file = backup.toByteArray();
            logger.info("Streaming a backup at index {} ({} bytes)", backup.index(), file.length);
            BackupMetadata metadata = metadata(backup, file);
            for (int offset = 0; offset < file.length; offset += CHUNK_SIZE) {
                BackupChunk.Builder chunk = BackupChunk.newBuilder()
                    .setData(ByteString.copyFrom(file, offset, Math.min(CHUNK_SIZE, file.length - offset)));
                if (offset == 0) {
                    chunk.setMetadata(metadata);
                }
                response.onNext(chunk.build());
            }
            response.onCompleted();
        });
    }

    @Override
    public StreamObserver<RestoreChunk> restore(StreamObserver<RestoreResponse> response) {
        return new StreamObserver<>() {

            private final ByteArrayOutputStream file = new ByteArrayOutputStream();

            private boolean failed;

            @Override
            public void onNext(RestoreChunk chunk) {
                if (failed) {
                    return;
                }
                if (file.size() + (long) chunk.getData().size() > MAX_BACKUP_SIZE) {
                    failed = true;
                    response.onError(Status.RESOURCE_EXHAUSTED
                        .withDescription("the backup is larger than the " + MAX_BACKUP_SIZE + " bytes a node accepts")
                        .asRuntimeException());
                    return;
                }
                file.writeBytes(chunk.getData().toByteArray());
            }

            @Override
            public void onError(Throwable error) {
                logger.info("A restore upload was abandoned by the client: {}", Status.fromThrowable(error));
            }

            @Override
            public void onCompleted() {
                if (!failed) {
                    restore(file.toByteArray(), response);
                }
            }
        };
    }

    private void restore(byte[] file, StreamObserver<RestoreResponse> response) {
        RaftBackup backup;
        try {
            backup = RaftBackup.fromByteArray(file);
        }
        catch (InvalidBackupException ex) {
            response.onError(Status.INVALID_ARGUMENT
                .withDescription("Restore refused, nothing was changed: " + ex.getMessage())
                .asRuntimeException());
            return;
        }
        BackupMetadata metadata = metadata(backup, file);
        detached(() -> node.restore(backup)).whenComplete((index, error) -> {
            if (error != null) {
                response.onError(status("Restore", error));
                return;
            }
            response.onNext(RestoreResponse.newBuilder().setIndex(index).setBackup(metadata).build());
            response.onCompleted();
        });
    }

    private static BackupMetadata metadata(RaftBackup backup, byte[] file) {
        return BackupMetadata.newBuilder()
            .setNodeId(backup.nodeId())
            .setIndex(backup.index())
            .setCreatedAtMillis(backup.createdAt().toEpochMilli())
            .setSize(file.length)
            .setSha256(RaftBackup.sha256Hex(file))
            .setFormatVersion(RaftBackup.FORMAT_VERSION)
            .build();
    }

    /**
     * Runs the engine call outside this call's gRPC Context: the engine's own gRPC calls (to the leader, the shared
     * client session) must not be cancelled with this call.
     */
    private static <T> CompletableFuture<T> detached(Supplier<CompletableFuture<T>> call) {
        Context previous = Context.ROOT.attach();
        try {
            return call.get();
        }
        catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        finally {
            Context.ROOT.detach(previous);
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
