package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a follower from committing entries of its log that it has not checked against the leader's.
 * <p>
 * Raft lets a follower take the leader's commit index only after the append's previous entry (index and term) matched
 * its own log. Atomix's leader sends a previous term of 0 when its reader for that follower holds no entry (it was
 * reset below the leader's first retained segment, or sits at the start of an empty last segment), with the index
 * just before its first segment; Atomix's follower then skips the check and commits up to that index, whatever its own
 * entries there are. A follower that held uncommitted entries of a deposed leader there (a partition, then the new
 * leader compacted its log) would apply them, and a follower missing those entries would commit indexes it does not
 * have. Atomix's leader sends such an append without the snapshot it needs, e.g. as the probe to a follower it lost
 * contact with.
 * <p>
 * Such an append is safe only when this node has those entries committed already, or holds a snapshot that covers
 * them (after a snapshot install, the follower applies the snapshot in their place). Otherwise it is refused through
 * Atomix's own path, with a previous term no entry has, so that the term, leader and election timer are handled as
 * for any append, and the leader steps back to this node's log, where its next message is a snapshot or a checked
 * append.
 */
final class UncheckedAppendGuard {

    private static final Logger logger = LoggerFactory.getLogger(UncheckedAppendGuard.class);

    /** A previous term no entry has: Atomix's check then refuses the append. */
    static final long NO_SUCH_TERM = Long.MAX_VALUE;

    private final RaftContext context;

    private final OnRaftThread raftThread;

    private final AtomicLong refused = new AtomicLong();

    UncheckedAppendGuard(RaftContext context, OnRaftThread raftThread) {
        this.context = context;
        this.raftThread = raftThread;
    }

    /**
     * Whether an append must be refused: its previous entry unchecked (term 0, index above 0) and some index up to it
     * neither committed here nor covered by this node's snapshot.
     */
    static boolean uncheckable(long prevLogIndex, long prevLogTerm, long commitIndex, long snapshotIndex) {
        return prevLogTerm == 0 && prevLogIndex > commitIndex && prevLogIndex > snapshotIndex;
    }

    /** Wraps the follower's append handler; an append with a previous term is passed on as it is. */
    Function<AppendRequest, CompletableFuture<AppendResponse>> guard(
            Function<AppendRequest, CompletableFuture<AppendResponse>> handler) {
        return request -> {
            if (request.prevLogTerm() != 0 || request.prevLogIndex() == 0) {
                return handler.apply(request);
            }
            // Rare: decided on the Raft thread, which owns the commit index and the snapshot store. Both only grow
            // until Atomix handles the request, so an append let through here stays safe.
            return CompletableFuture.supplyAsync(() -> checked(request), raftThread).thenCompose(handler);
        };
    }

    /** How many appends this node refused. */
    long refused() {
        return refused.get();
    }

    private AppendRequest checked(AppendRequest request) {
        Snapshot snapshot = context.getSnapshotStore().getCurrentSnapshot();
        long snapshotIndex = snapshot == null ? 0 : snapshot.index();
        long commitIndex = context.getCommitIndex();
        if (!uncheckable(request.prevLogIndex(), request.prevLogTerm(), commitIndex, snapshotIndex)) {
            return request;
        }
        long count = refused.incrementAndGet();
        if (count == 1 || count % 100 == 0) {
            logger.warn("Refused an append of term {} from {} whose previous entry (index {}) comes without a term: "
                    + "this node has committed up to {} and holds a snapshot up to {}, so it cannot check its entries "
                    + "up to {} against the leader's; the leader goes back to this node's log ({} refused so far)",
                    request.term(), request.leader(), request.prevLogIndex(), commitIndex, snapshotIndex,
                    request.prevLogIndex(), count);
        }
        return AppendRequest.builder()
            .withTerm(request.term())
            .withLeader(request.leader())
            .withPrevLogIndex(request.prevLogIndex())
            .withPrevLogTerm(NO_SUCH_TERM)
            .withEntries(request.entries())
            .withCommitIndex(request.commitIndex())
            .build();
    }
}
