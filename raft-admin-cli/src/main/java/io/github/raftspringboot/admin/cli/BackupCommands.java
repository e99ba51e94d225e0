package io.github.raftspringboot.admin.cli;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

import com.google.gson.GsonBuilder;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

import io.github.raftspringboot.api.InvalidBackupException;
import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.backup.proto.BackupChunk;
import io.github.raftspringboot.backup.proto.BackupMetadata;
import io.github.raftspringboot.backup.proto.RaftBackupGrpc;
import io.github.raftspringboot.backup.proto.RestoreResponse;
import io.github.raftspringboot.backup.proto.SaveRequest;

/**
 * {@code backup <file>} and {@code restore <file>}: the RaftBackup service's Save and Restore, to and from a file,
 * like {@code etcdctl snapshot save} and {@code consul snapshot restore}.
 */
final class BackupCommands {

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

    /**
     * Restores {@code file}: its header and size are checked before anything is sent, its checksum while it is sent
     * (its last bytes, the checksum itself, go only once the rest matches it, so a damaged file never reaches its end
     * on the server, which then changes nothing); prints the index at which the restored state took effect.
     */
    int restore(String target, Path file) throws InterruptedException, InvalidBackupException {
        BackupFile.Header header;
        try {
            header = BackupFile.header(file);
        }
        catch (InvalidBackupException ex) {
            throw ex;
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("cannot read " + file + ": " + describe(ex), ex);
        }
        ManagedChannel channel = connection.openWithoutRetries(target);
        try {
            RestoreUpload upload = new RestoreUpload(file, header, connection, longOperationDeadline());
            RestoreResponse response = upload.send(channel);
            print("Restored", file, upload.checked(), response.getIndex());
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

    static String describe(IOException ex) {
        if (ex instanceof NoSuchFileException) {
            return "no such file";
        }
        if (ex instanceof AccessDeniedException) {
            return "permission denied";
        }
        return ex.getMessage();
    }
}
