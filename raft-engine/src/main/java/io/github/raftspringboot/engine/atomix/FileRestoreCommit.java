package io.github.raftspringboot.engine.atomix;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.ReplicatedStateMachine;

/**
 * The commit entry of a restore whose backup went to the members as a file ({@link StagedRestore#COMMIT_FILE}),
 * applied on the state machine thread: this node's copy is obtained (from another member if this node lacks it), checked
 * against the entry's SHA-256 (a copy damaged on this node's disk is fetched again), then read by the state machine.
 * Every node applies the same bytes, so every node reaches the same state; a node that cannot read its own disk stops.
 */
final class FileRestoreCommit {

    private static final int COPY_BUFFER = 64 * 1024;

    private static final Logger logger = LoggerFactory.getLogger(FileRestoreCommit.class);

    private final ReplicatedStateMachine stateMachine;

    private final RestoreFileTransfers files;

    /** Whether the node still runs: a node that stops gives up waiting for a restore's file. */
    private final BooleanSupplier running;

    /** Told when this node cannot apply a restore its peers applied (its disk fails): the node must stop. */
    private final Consumer<RuntimeException> onLocalFault;

    /**
     * Set when an entry could not be applied (the node stops while it waits for the file, or its disk fails): the
     * state misses the restore, so no snapshot may be taken of it.
     */
    private volatile boolean incomplete;

    FileRestoreCommit(ReplicatedStateMachine stateMachine, RestoreFileTransfers files, BooleanSupplier running,
            Consumer<RuntimeException> onLocalFault) {
        this.stateMachine = stateMachine;
        this.files = files;
        this.running = running;
        this.onLocalFault = onLocalFault;
    }

    boolean incomplete() {
        return incomplete;
    }

    /**
     * Applies restore {@code restoreId}'s commit entry at {@code index}: null once the state machine holds the backup's
     * state, or why the state machine refused it (the same answer on every node: they read the same bytes).
     */
    String apply(long index, String restoreId, long announced, byte[] sha256) {
        files.files().applying(restoreId);
        try {
            return applyFile(index, restoreId, announced, sha256);
        }
        finally {
            files.files().applying(null);
            files.files().applied(restoreId, index);
        }
    }

    private String applyFile(long index, String restoreId, long announced, byte[] sha256) {
        try {
            do {
                files.obtain(restoreId, announced, sha256, running);
            }
            while (!files.files().intact(restoreId, sha256));
        }
        catch (InterruptedException ex) {
            // The node stops: the entry is applied again from the log at its next start.
            incomplete = true;
            throw new IllegalStateException("Restore " + restoreId + "'s entry at " + index
                    + " was not applied: " + ex.getMessage(), ex);
        }
        Path file = files.files().file(restoreId);
        ReadFaults disk = null;
        try {
            long started = System.nanoTime();
            try (ReadFaults in = new ReadFaults(Files.newInputStream(file))) {
                disk = in;
                stateMachine.restore(new BufferedInputStream(in, COPY_BUFFER));
            }
            logger.info("Restore {}: the state machine read {} bytes in {} ms", restoreId, announced,
                    (System.nanoTime() - started) / 1_000_000);
            return null;
        }
        catch (IOException | RuntimeException ex) {
            if (disk == null || disk.failed) {
                // This node's disk, not the backup: the others read the same bytes and took the restore.
                incomplete = true;
                IllegalStateException failure = new IllegalStateException("Could not read restore " + restoreId
                        + "'s file from this node's disk to apply its entry at " + index, ex);
                onLocalFault.accept(failure);
                throw failure;
            }
            logger.warn("The state machine refused restore {}: {}", restoreId, ex.toString());
            return "the state machine cannot read this backup (was it taken from another kind of application?): "
                    + ex.getMessage();
        }
    }

    /** A file's stream that remembers whether reading it failed (a disk fault, not the content). */
    private static final class ReadFaults extends FilterInputStream {

        boolean failed;

        ReadFaults(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            }
            catch (IOException ex) {
                failed = true;
                throw ex;
            }
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            try {
                return super.read(bytes, offset, length);
            }
            catch (IOException ex) {
                failed = true;
                throw ex;
            }
        }
    }
}
