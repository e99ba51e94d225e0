package io.github.raftspringboot.engine.atomix;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.atomix.primitive.operation.OperationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.engine.RaftEngine.CommandResult;
import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * Backups as one linearizable read of the whole state, and the steps of a restore staged through the log
 * ({@link StagedRestore}: BEGIN, CHUNKs, COMMIT), which earlier versions wrote and logs may still hold. Restores now
 * send the backup to the members as a file ({@link StreamedRestores}).
 */
final class BackupRestore {

    private static final Logger logger = LoggerFactory.getLogger(BackupRestore.class);

    private final RaftNodeSettings settings;

    private final SessionCommands commands;

    BackupRestore(RaftNodeSettings settings, SessionCommands commands) {
        this.settings = settings;
        this.commands = commands;
    }

    CompletableFuture<RaftBackup> backup() {
        return commands.execute(StateMachineService.BACKUP, new byte[0], "Backup").thenApply(reply -> {
            CommandResult answer = SessionCommands.toResult(reply);
            return new RaftBackup(settings.nodeId(), answer.index(), Instant.now(), answer.result());
        });
    }

    /**
     * Restores an in-memory backup the way a streamed one is: sent to every member, then one commit entry. That
     * blocks for the whole restore, so it runs on a thread of its own.
     */
    CompletableFuture<Long> restore(RaftBackup backup, StreamedRestores restores) {
        CompletableFuture<Long> restored = new CompletableFuture<>();
        Thread restore = new Thread(() -> {
            try {
                ByteArrayOutputStream file = new ByteArrayOutputStream();
                backup.writeTo(file);
                restored.complete(restores.restoreFrom(new ByteArrayInputStream(file.toByteArray())));
            }
            catch (IOException | RuntimeException ex) {
                restored.completeExceptionally(ex);
            }
        }, "raft-" + settings.nodeId() + "-restore");
        restore.setDaemon(true);
        restore.start();
        return restored;
    }

    /** Room for the entry's own framing (session, operation, restore id) below the largest entry size. */
    static int chunkSize(int maxEntrySize) {
        return Math.max(512, Math.min(1 << 20, maxEntrySize / 2));
    }

    /** One entry of a restore; package-private for tests that stop a restore half-way. */
    CompletableFuture<Long> step(OperationId operation, byte[] payload) {
        return commands.execute(operation, payload, "Restore").thenApply(reply -> {
            CommandResult answer = SessionCommands.toResult(reply);
            if (answer.result().length > 0) {
                throw new RaftException(RaftException.Reason.INVALID_REQUEST,
                        "Restore failed: " + new String(answer.result(), StandardCharsets.UTF_8));
            }
            return answer.index();
        });
    }
}
