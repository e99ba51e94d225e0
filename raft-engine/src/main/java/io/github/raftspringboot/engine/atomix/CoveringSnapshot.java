package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.atomix.protocols.raft.impl.DefaultRaftServer;
import io.atomix.protocols.raft.impl.RaftContext;

/**
 * A snapshot asked for by an operator or a backup: one that holds at least what this node had applied when asked.
 * Atomix's {@code compact()} hands back the snapshot already under way, if any, which can stop short of that (a
 * verify saw a snapshot at 74 asked after index 77 had applied): the next one is then taken.
 */
final class CoveringSnapshot {

    /** Compactions asked in a row for a snapshot that holds what was applied when asked. */
    static final int ATTEMPTS = 3;

    private final DefaultRaftServer server;

    private final RaftContext context;

    private final NodeStatusReader statusReader;

    private final Supplier<String> leaderId;

    CoveringSnapshot(DefaultRaftServer server, RaftContext context, NodeStatusReader statusReader,
            Supplier<String> leaderId) {
        this.server = server;
        this.context = context;
        this.statusReader = statusReader;
        this.leaderId = leaderId;
    }

    /** Takes the snapshot; completes with its index. */
    CompletableFuture<Long> take() {
        return covering(context.getLastApplied(), ATTEMPTS).exceptionally(error -> {
            throw AtomixErrors.translate(error, "Snapshot", leaderId.get());
        });
    }

    private CompletableFuture<Long> covering(long applied, int attempts) {
        return server.compact().thenCompose(ignored -> {
            long index = statusReader.status(true).lastSnapshotIndex();
            return (index >= applied || attempts <= 1) ? CompletableFuture.completedFuture(index)
                    : covering(applied, attempts - 1);
        });
    }
}
