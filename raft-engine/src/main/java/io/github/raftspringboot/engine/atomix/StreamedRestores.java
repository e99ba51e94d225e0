package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.atomix.primitive.operation.OperationId;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.storage.system.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftNode;

/**
 * Restores as streams, never held in memory. The incoming backup is copied to a file as it arrives, its checksum
 * verified at its end (a damaged or cut stream changes nothing), and sent to every other member on the peer port while
 * it grows ({@link RestoreFileTransfers}); once a majority of the voters hold it, one small commit entry
 * ({@link StagedRestore#COMMIT_FILE}) is proposed, which each node applies from its own copy. The log carries a few
 * bytes instead of the whole state, which every node would otherwise copy into its memory-mapped log. The commit entry
 * has the ordinary request timeout; the whole operation has none. A commit whose answer fails (a leader change, a
 * timeout) is sent again until the cluster takes it, and the restore gives up only when nothing was taken for
 * {@code giveUpAfter}. Progress is reported to {@link LongOperations}.
 */
final class StreamedRestores {

    private static final Logger logger = LoggerFactory.getLogger(StreamedRestores.class);

    private final String nodeId;

    private final BackupSpool spool;

    private final BiFunction<OperationId, byte[], CompletableFuture<Long>> append;

    private final LongOperations operations;

    private final Duration giveUpAfter;

    private final Duration retryPause;

    private final RestoreFileTransfers restoreFiles;

    private final Supplier<Members> members;

    /**
     * @param spool        where the incoming backup is written
     * @param append       appends one entry through the log and answers its index, failing if the entry was refused
     * @param operations   where progress is reported
     * @param giveUpAfter  how long a restore goes on sending its commit again without it being taken before it fails
     * @param retryPause   the pause before the commit is sent again (a new leader is being elected)
     * @param restoreFiles how a restore's backup reaches the members
     * @param members      the cluster's members now
     */
    StreamedRestores(String nodeId, BackupSpool spool, BiFunction<OperationId, byte[], CompletableFuture<Long>> append,
            LongOperations operations, Duration giveUpAfter, Duration retryPause, RestoreFileTransfers restoreFiles,
            Supplier<Members> members) {
        this.nodeId = nodeId;
        this.spool = spool;
        this.append = append;
        this.operations = operations;
        this.giveUpAfter = giveUpAfter;
        this.retryPause = retryPause;
        this.restoreFiles = restoreFiles;
        this.members = members;
    }

    long restoreFrom(InputStream in) throws IOException {
        String restoreId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        RaftBackup.Streamed backup = RaftBackup.open(in);
        long length = backup.stateLength();
        Members members = this.members.get();
        List<String> others = members.all().stream().filter(id -> !id.equals(nodeId)).toList();
        Path file = spool.newFile("restore-" + restoreId);
        GrowingFile growing = new GrowingFile(file, length);
        boolean proposed = false;
        try (LongOperations.Tracked progress = operations.start("restore", restoreId, "receiving", length)) {
            // The members get the backup as it arrives; only its last piece waits for the checksum at its end.
            AtomicLong sent = new AtomicLong();
            AtomicBoolean distributing = new AtomicBoolean();
            Map<String, CompletableFuture<Void>> sends = new LinkedHashMap<>();
            for (String member : others) {
                sends.put(member, restoreFiles.send(member, restoreId, growing, bytes -> {
                    long total = sent.addAndGet(bytes);
                    if (distributing.get()) {
                        progress.done(total);
                    }
                }));
            }
            try {
                growing.seal(receive(backup, file, growing, progress, restoreFiles.files()));
            }
            catch (IOException | RuntimeException ex) {
                growing.fail(ex);
                throw ex;
            }
            logger.info("Restore {}: the backup of node '{}' at index {} ({} bytes) is verified after {} ms; sending "
                    + "it to {}", restoreId, backup.nodeId(), backup.index(), length,
                    (System.nanoTime() - started) / 1_000_000, others);
            progress.phase("distributing", length * others.size());
            distributing.set(true);
            progress.done(sent.get());
            requireMajority(restoreId, members, sends);
            byte[] uploadedSha256 = growing.awaitSealed();
            restoreFiles.files().adopt(restoreId, file, uploadedSha256);
            progress.phase("committing", -1);
            proposed = true;
            long index = commit(restoreId, length, uploadedSha256);
            logger.info("Restore {} took effect at index {} after {} ms", restoreId, index,
                    (System.nanoTime() - started) / 1_000_000);
            return index;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new RaftException(RaftException.Reason.TIMEOUT, "Restore " + restoreId + " interrupted");
        }
        finally {
            BackupSpool.deleteQuietly(file);
            if (!proposed) {
                // No entry names it: nobody will apply it. The copies sent go after RestoreFiles.UNAPPLIED_KEPT.
                BackupSpool.deleteQuietly(restoreFiles.files().file(restoreId));
            }
        }
    }

    /**
     * Copies the backup's state into {@code file} as it arrives, telling the senders of each write; reading it to its
     * end verifies the backup's checksum (a damaged or cut upload throws, and nothing is committed). Its SHA-256.
     */
    private static byte[] receive(RaftBackup.Streamed backup, Path file, GrowingFile growing,
            LongOperations.Tracked progress, RestoreFiles files) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[RestoreFileTransfers.PIECE_BYTES];
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            BackgroundSync sync = files.backgroundSync(out, file);
            for (int read = backup.state().readNBytes(buffer, 0, buffer.length); read > 0;
                    read = backup.state().readNBytes(buffer, 0, buffer.length)) {
                digest.update(buffer, 0, read);
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                growing.written(read);
                sync.written(read);
                progress.advance(read);
            }
            sync.finish();
        }
        // The loop read the state to its end, where the backup's own checksum, after it, was read and compared.
        return digest.digest();
    }

    /**
     * Waits for every send to end, and requires a majority of the voters (this node included) to hold the backup
     * before the commit entry is proposed: a member that lacks it asks the holders at apply.
     */
    private void requireMajority(String restoreId, Members members, Map<String, CompletableFuture<Void>> sends) {
        int holders = members.voters().contains(nodeId) ? 1 : 0;
        List<String> lacking = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Void>> send : sends.entrySet()) {
            try {
                send.getValue().join();
                if (members.voters().contains(send.getKey())) {
                    holders++;
                }
            }
            catch (CompletionException ex) {
                lacking.add(send.getKey() + " (" + AtomixErrors.reasonOf(ex) + ")");
            }
        }
        int majority = members.voters().size() / 2 + 1;
        if (holders < majority) {
            throw new RaftException(RaftException.Reason.NO_LEADER, "Restore " + restoreId + ": only " + holders
                    + " of the " + members.voters().size() + " voters hold the backup, " + majority + " must; could "
                    + "not send it to " + String.join(", ", lacking) + ". Nothing was changed: run it again once the "
                    + "members are reachable");
        }
        if (!lacking.isEmpty()) {
            logger.warn("Restore {}: could not send the backup to {}; they will ask the others for it when they apply "
                    + "the restore", restoreId, String.join(", ", lacking));
        }
    }

    /** The commit entry, sent again until the cluster takes it (applied again, it is answered as done). */
    private long commit(String restoreId, long length, byte[] sha256) {
        Retries retries = new Retries(restoreId);
        byte[] entry = RestoreEntries.commitFileEntry(restoreId, length, sha256);
        long[] index = new long[1];
        while (!retries.attempt("commit", () -> index[0] = RaftFutures.await(append.apply(StagedRestore.COMMIT_FILE,
                entry), RaftNode.LONG_OPERATION))) {
            retries.pause();
        }
        return index[0];
    }

    /** The cluster's members (this node included) and which of them vote. */
    record Members(List<String> all, Set<String> voters) {

        /** The members of {@code configuration} (Atomix's latest, an immutable value), none if there is none yet. */
        static Members of(Configuration configuration) {
            List<String> all = new ArrayList<>();
            Set<String> voters = new HashSet<>();
            if (configuration != null) {
                for (RaftMember member : configuration.members()) {
                    all.add(member.memberId().id());
                    if (member.getType() == RaftMember.Type.ACTIVE) {
                        voters.add(member.memberId().id());
                    }
                }
            }
            return new Members(all, voters);
        }
    }

    /**
     * The restore's retry policy: a failed step is sent again after a pause, for as long as the restore made
     * progress within {@code giveUpAfter}; a step the state machine refused (its answer names the problem) is not
     * retried.
     */
    private final class Retries {

        private final String restoreId;

        private long lastProgressNanos = System.nanoTime();

        private int failuresInARow;

        Retries(String restoreId) {
            this.restoreId = restoreId;
        }

        /** Runs a step; true if it was taken, false if it should be sent again; throws once it is time to give up. */
        boolean attempt(String what, Runnable step) {
            try {
                step.run();
                lastProgressNanos = System.nanoTime();
                if (failuresInARow > 0) {
                    logger.info("Restore {}: resumed at {} after {} failed attempts", restoreId, what, failuresInARow);
                }
                failuresInARow = 0;
                return true;
            }
            catch (RaftException ex) {
                if (ex.reason() == RaftException.Reason.INVALID_REQUEST
                        || ex.reason() == RaftException.Reason.SHUTDOWN) {
                    throw ex;
                }
                failuresInARow++;
                long stalledNanos = System.nanoTime() - lastProgressNanos;
                if (stalledNanos >= giveUpAfter.toNanos()) {
                    throw new RaftException(ex.reason(), "Restore " + restoreId + " gave up at " + what
                            + ": the cluster took nothing for " + giveUpAfter.toSeconds() + " s (last failure: "
                            + ex.getMessage() + "); the state is unchanged, run the restore again");
                }
                logger.info("Restore {}: {} failed ({}); sending it again", restoreId, what,
                        ex.getMessage());
                return false;
            }
        }

        /** Gives the cluster a moment to elect a leader before a step is sent again. */
        void pause() {
            try {
                Thread.sleep(retryPause.toMillis());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new RaftException(RaftException.Reason.TIMEOUT, "Restore " + restoreId + " interrupted");
            }
        }
    }
}
