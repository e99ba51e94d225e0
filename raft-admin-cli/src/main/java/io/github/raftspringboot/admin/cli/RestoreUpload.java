package io.github.raftspringboot.admin.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import io.github.raftspringboot.api.InvalidBackupException;
import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.backup.proto.RaftBackupGrpc;
import io.github.raftspringboot.backup.proto.RestoreChunk;
import io.github.raftspringboot.backup.proto.RestoreResponse;

/**
 * One upload of a backup file: sent in chunks as fast as the server takes them (gRPC flow control), never held in
 * memory, and checked as it goes against the checksum at its end.
 * <p>
 * One buffer carries every chunk, wrapped into the message without a copy: gRPC serializes a message into its own
 * buffers in {@code onNext} once the stream is ready (which is when a chunk is sent), and the upload's channel has no
 * retries, which would keep the message to send it again. A copy per chunk took about 14 % of this process's CPU in
 * a restore of 330 MB (the copies and the page faults of fresh heap). Should a chunk ever leave changed,
 * the server's check of the upload's checksum refuses it and nothing is restored.
 */
final class RestoreUpload {

    /** Bytes of the file per Restore message, well under gRPC's default 4 MiB message limit. */
    private static final int CHUNK_SIZE = 1 << 20;

    private final Path file;

    private final BackupFile.Header header;

    /** Every byte before the checksum: the checksum must equal it. */
    private final MessageDigest body = sha256();

    /** The SHA-256 of every byte of the file (printed): the body's digest continued over the checksum. */
    private byte[] whole;

    private final ConnectionOptions connection;

    private final long deadlineMillis;

    RestoreUpload(Path file, BackupFile.Header header, ConnectionOptions connection, long deadlineMillis) {
        this.file = file;
        this.header = header;
        this.connection = connection;
        this.deadlineMillis = deadlineMillis;
    }

    /** The file as checked, once {@link #send} has returned. */
    BackupFile checked() {
        return new BackupFile(header.nodeId(), header.index(), header.createdAt(), header.size(),
                HexFormat.of().formatHex(whole));
    }

    RestoreResponse send(ManagedChannel channel) throws InterruptedException, InvalidBackupException {
        CompletableFuture<RestoreResponse> result = new CompletableFuture<>();
        Semaphore ready = new Semaphore(0);
        AtomicReference<ClientCallStreamObserver<RestoreChunk>> call = new AtomicReference<>();
        RaftBackupGrpc.newStub(channel)
            .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
            .restore(new ClientResponseObserver<RestoreChunk, RestoreResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<RestoreChunk> requests) {
                    call.set(requests);
                    requests.setOnReadyHandler(ready::release);
                }

                @Override
                public void onNext(RestoreResponse response) {
                    result.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    result.completeExceptionally(error);
                    ready.release();
                }

                @Override
                public void onCompleted() {
                    result.completeExceptionally(new IllegalStateException("the server sent no answer"));
                }
            });
        ClientCallStreamObserver<RestoreChunk> requests = call.get();
        long bodyLength = header.size() - RaftBackup.CHECKSUM_BYTES;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK_SIZE)) {
            byte[] buffer = new byte[CHUNK_SIZE];
            for (long sent = 0; sent < bodyLength && !result.isDone();) {
                int read = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, bodyLength - sent));
                if (read == 0) {
                    throw new InvalidBackupException("the backup is truncated: the file got shorter while it "
                            + "was sent");
                }
                body.update(buffer, 0, read);
                sendChunk(requests, ready, result, buffer, read);
                sent += read;
            }
            byte[] checksum = in.readNBytes(RaftBackup.CHECKSUM_BYTES);
            whole = digestOfWholeFile(checksum);
            if (!MessageDigest.isEqual(body.digest(), checksum)) {
                requests.onError(Status.CANCELLED.withDescription("the backup file is damaged")
                    .asRuntimeException());
                throw new InvalidBackupException("checksum mismatch: the backup file is damaged");
            }
            sendChunk(requests, ready, result, checksum, checksum.length);
        }
        catch (InvalidBackupException ex) {
            throw ex;
        }
        catch (IOException ex) {
            requests.onError(ex);
            throw new IllegalArgumentException("cannot read " + file + ": " + BackupCommands.describe(ex), ex);
        }
        if (!result.isDone()) {
            requests.onCompleted();
        }
        try {
            return result.get();
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof StatusRuntimeException failure) {
                throw new CallFailedException("RaftBackup", "Restore", failure, connection);
            }
            throw new IllegalStateException("Restore failed: " + ex.getCause().getMessage(), ex.getCause());
        }
    }

    /** One pass over the file for both digests: the body's, continued over the checksum on a copy of its state. */
    private byte[] digestOfWholeFile(byte[] checksum) {
        try {
            MessageDigest file = (MessageDigest) body.clone();
            file.update(checksum);
            return file.digest();
        }
        catch (CloneNotSupportedException ex) {
            throw new IllegalStateException("The runtime's SHA-256 cannot be copied", ex);
        }
    }

    private void sendChunk(ClientCallStreamObserver<RestoreChunk> requests, Semaphore ready,
            CompletableFuture<RestoreResponse> result, byte[] bytes, int length) throws InterruptedException {
        while (!requests.isReady() && !result.isDone()) {
            ready.tryAcquire(100, TimeUnit.MILLISECONDS);
        }
        if (!result.isDone()) {
            // Serialized into gRPC's buffers before onNext returns (the stream is ready): the buffer may be refilled.
            requests.onNext(RestoreChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(bytes, 0, length))
                .build());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
    }
}
