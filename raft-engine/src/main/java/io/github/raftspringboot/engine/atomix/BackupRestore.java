package io.github.raftspringboot.engine.atomix;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.atomix.primitive.operation.OperationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.engine.RaftEngine.CommandResult;
import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * Backups (a linearizable read of the whole state) and restores (the state staged in entries no larger than the
 * largest entry size, then committed in one entry; see {@link StagedRestore}).
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

    /** Stages the backup in entries of half the largest entry size at most, then commits it in one entry. */
    CompletableFuture<Long> restore(RaftBackup backup) {
        byte[] state = backup.state();
        String restoreId = UUID.randomUUID().toString();
        int chunkSize = chunkSize(settings.maxEntrySize());
        logger.info("Restoring the backup of node '{}' at index {} ({} bytes) as restore {}", backup.nodeId(),
                backup.index(), state.length, restoreId);
        CompletableFuture<Long> steps = step(StagedRestore.BEGIN, StagedRestore.beginEntry(restoreId, state));
        int sequence = 0;
        for (int offset = 0; offset < state.length; offset += chunkSize) {
            int chunk = sequence++;
            int from = offset;
            int length = Math.min(chunkSize, state.length - offset);
            steps = steps.thenCompose(index -> step(StagedRestore.CHUNK,
                    StagedRestore.chunkEntry(restoreId, chunk, state, from, length)));
        }
        return steps.thenCompose(index -> step(StagedRestore.COMMIT, StagedRestore.commitEntry(restoreId)))
            .whenComplete((index, error) -> {
                if (error == null) {
                    logger.info("Restore {} took effect at index {}", restoreId, index);
                }
            });
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
