package io.github.raftspringboot.admin.cli;

import io.github.raftspringboot.api.InvalidBackupException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.google.gson.GsonBuilder;
import com.google.protobuf.ByteString;

import io.github.raftspringboot.backup.proto.BackupChunk;
import io.github.raftspringboot.backup.proto.BackupMetadata;
import io.github.raftspringboot.backup.proto.RaftBackupGrpc;
import io.github.raftspringboot.backup.proto.RestoreChunk;
import io.github.raftspringboot.backup.proto.RestoreResponse;
import io.github.raftspringboot.backup.proto.SaveRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * {@code backup <file>} and {@code restore <file>}: the RaftBackup service's Save and Restore, to and from a file,
 * like {@code etcdctl snapshot save} and {@code consul snapshot restore}.
 */
final class BackupCommands {

    /** Bytes of the file per Restore message, well under gRPC's default 4 MiB message limit. */
    private static final int CHUNK_SIZE = 1 << 20;

    private final ConnectionOptions connection;

    private final OutputFormat format;

    private final PrintWriter out;

    private final PrintWriter err;

    BackupCommands(ConnectionOptions connection, OutputFormat format, PrintWriter out, PrintWriter err) {
        this.connection = connection;
        this.format = format;
        this.out = out;
        this.err = err;
    }

    /** Saves a backup to {@code file}: written to a temporary file next to it, verified, then renamed. */
    int save(String target, Path file) throws InterruptedException, InvalidBackupException {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new IllegalArgumentException("cannot write " + file + ": the directory " + directory
                    + " does not exist");
        }
        Path partial = createPartial(directory, absolute.getFileName().toString());
        ManagedChannel channel = connection.open(target);
        try {
            BackupMetadata metadata = download(channel, partial);
            BackupFile saved = BackupFile.verify(partial);
            if (saved.size() != metadata.getSize() || !saved.sha256().equals(metadata.getSha256())) {
                throw new InvalidBackupException("the received file does not match the server's size/checksum ("
                        + metadata.getSize() + " bytes, sha256 " + metadata.getSha256() + "): retry the backup");
            }
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            print("Saved", file, saved, null);
            return 0;
        }
        catch (InvalidBackupException ex) {
            throw ex;
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("cannot write " + file + ": " + describe(ex), ex);
        }
        finally {
            deleteQuietly(partial);
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Verifies {@code file}, then restores it; prints the index at which the restored state took effect. */
    int restore(String target, Path file) throws InterruptedException, InvalidBackupException {
        BackupFile backup;
        try {
            backup = BackupFile.verify(file);
        }
        catch (InvalidBackupException ex) {
            throw ex;
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("cannot read " + file + ": " + describe(ex), ex);
        }
        ManagedChannel channel = connection.open(target);
        try {
            RestoreResponse response = upload(channel, file);
            print("Restored", file, backup, response.getIndex());
            return 0;
        }
        finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private BackupMetadata download(ManagedChannel channel, Path partial) throws IOException {
        BackupMetadata metadata = null;
        try (OutputStream stream = Files.newOutputStream(partial)) {
            Iterator<BackupChunk> chunks = RaftBackupGrpc.newBlockingStub(channel)
                .withDeadlineAfter(longOperationDeadline(), TimeUnit.MILLISECONDS)
                .save(SaveRequest.getDefaultInstance());
            while (chunks.hasNext()) {
                BackupChunk chunk = chunks.next();
                if (chunk.hasMetadata()) {
                    metadata = chunk.getMetadata();
                }
                chunk.getData().writeTo(stream);
            }
        }
        catch (StatusRuntimeException ex) {
            throw new CallFailedException("RaftBackup", "Save", ex, connection);
        }
        if (metadata == null) {
            throw new IOException("the server sent no backup metadata");
        }
        return metadata;
    }

    /** Sends the file in chunks as fast as the server takes them (gRPC flow control), never holding it in memory. */
    private RestoreResponse upload(ManagedChannel channel, Path file) throws InterruptedException {
        CompletableFuture<RestoreResponse> result = new CompletableFuture<>();
        Semaphore ready = new Semaphore(0);
        AtomicReference<ClientCallStreamObserver<RestoreChunk>> call = new AtomicReference<>();
        RaftBackupGrpc.newStub(channel)
            .withDeadlineAfter(longOperationDeadline(), TimeUnit.MILLISECONDS)
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
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK_SIZE)) {
            byte[] buffer = new byte[CHUNK_SIZE];
            for (int read = in.readNBytes(buffer, 0, buffer.length); read > 0 && !result.isDone();
                    read = in.readNBytes(buffer, 0, buffer.length)) {
                while (!requests.isReady() && !result.isDone()) {
                    ready.tryAcquire(100, TimeUnit.MILLISECONDS);
                }
                requests.onNext(RestoreChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, read)).build());
            }
        }
        catch (IOException ex) {
            requests.onError(ex);
            throw new IllegalArgumentException("cannot read " + file + ": " + describe(ex), ex);
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

    /**
     * Backups and restores take as long as the state needs (minutes for gigabytes): the ordinary call timeout
     * would cut them, so they get at least an hour.
     */
    private long longOperationDeadline() {
        return Math.max(connection.timeout.toMillis(), TimeUnit.HOURS.toMillis(1));
    }

    private void print(String action, Path file, BackupFile backup, Long restoredAt) {
        if (format == OutputFormat.JSON) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("method", action.equals("Saved") ? "Save" : "Restore");
            json.put("file", file.toString());
            json.put("node_id", backup.nodeId());
            json.put("index", backup.index());
            json.put("created_at", backup.createdAt().toString());
            json.put("size", backup.size());
            json.put("sha256", backup.sha256());
            if (restoredAt != null) {
                json.put("restored_index", restoredAt);
            }
            out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json));
        }
        else {
            out.println(action + " " + file + ": index " + backup.index() + " (taken on " + backup.nodeId() + " at "
                    + backup.createdAt() + "), " + backup.size() + " bytes, sha256 " + backup.sha256());
            if (restoredAt != null) {
                out.println("The restored state took effect at index " + restoredAt);
            }
        }
        out.flush();
    }

    private static Path createPartial(Path directory, String name) {
        try {
            return Files.createTempFile(directory, "." + name + ".", ".part");
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("cannot write to " + directory + ": " + describe(ex), ex);
        }
    }

    private void deleteQuietly(Path partial) {
        try {
            Files.deleteIfExists(partial);
        }
        catch (IOException ex) {
            err.println("raftmanager: could not delete the temporary file " + partial + ": " + ex.getMessage());
        }
    }

    private static String describe(IOException ex) {
        if (ex instanceof NoSuchFileException) {
            return "no such file";
        }
        if (ex instanceof AccessDeniedException) {
            return "permission denied";
        }
        return ex.getMessage();
    }
}
