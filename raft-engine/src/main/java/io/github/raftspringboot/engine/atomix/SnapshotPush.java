package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.RaftError;
import io.atomix.protocols.raft.cluster.impl.RaftMemberContext;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.atomix.protocols.raft.protocol.InstallResponse;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import io.atomix.protocols.raft.storage.snapshot.SnapshotReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the leader sends its snapshot to a follower: the whole snapshot in {@link #CHUNK_BYTES} chunks, up to
 * {@link #CHUNKS_AHEAD} of them on the way at once, read off the Raft thread. Atomix's leader sends 32 KB chunks one
 * at a time, each read on its Raft thread once the previous one is answered: about 34 MB/s on loopback, 10 s for
 * the 345 MB snapshot of 1 M keys.
 * <p>
 * Atomix's leader still decides when a follower needs the snapshot ({@link SnapshotInstalls}); the chunk it then
 * asks the transport to send is taken over here. The follower handles the chunks with Atomix's own install handler,
 * which does not care about their size, only that their numbers follow each other; the chunks of one stream arrive
 * in order. Once the follower has answered the last one, the leader's record of the follower says it holds the
 * snapshot, and Atomix's leader is told that its request succeeded: it goes on with entries after the snapshot, as
 * after its own last chunk. When a chunk fails, the request fails: Atomix's leader asks again, which starts again from
 * the first chunk, and the follower, given a first chunk, drops what it had received before
 * ({@link FollowerInstalls}).
 */
final class SnapshotPush {

    private static final Logger logger = LoggerFactory.getLogger(SnapshotPush.class);

    /**
     * The size of a chunk (Atomix's: 32 KB). 1 MB chunks, four ahead, were no faster in a 1 M-key run (the copies and
     * the serialization on two shared cores bound it, not the round trips), and at 1 MB every copy of a chunk is a
     * humongous object on a heap of G1's default 1 MB regions (-Xmx1g to 2g).
     */
    static final int CHUNK_BYTES = 256 * 1024;

    /**
     * Chunks sent before the first is answered (4 MB): enough to keep loopback and the follower's disk busy. One at a
     * time when each request is a call of its own ({@link GrpcRaftTransport#STREAMS_PROPERTY} false): calls may
     * overtake each other, and the follower refuses a chunk that comes before its predecessor.
     */
    static final int CHUNKS_AHEAD = Boolean.parseBoolean(System.getProperty(GrpcRaftTransport.STREAMS_PROPERTY,
            "true")) ? 16 : 1;

    private final ExecutorService senders;

    /** Set once the node's Raft context exists (the transport is wrapped before). */
    private volatile RaftContext context;

    /** Where each send reports its progress ({@code snapshot-send}, phase {@code sending}). */
    private final LongOperations operations;

    SnapshotPush(String nodeId, LongOperations operations) {
        this.operations = operations;
        this.senders = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "raft-" + nodeId + "-snapshot-push");
            thread.setDaemon(true);
            return thread;
        });
    }

    void attach(RaftContext context) {
        this.context = context;
    }

    /** The transport Atomix's server sends with, its install requests sent as a push. */
    RaftServerProtocol wrap(RaftServerProtocol protocol) {
        return AppendInterception.wrapInstalls(protocol, this::install);
    }

    /** Stops the pushes under way; their requests fail. */
    void close() {
        senders.shutdownNow();
    }

    /** On the Raft thread: Atomix's leader asks for a chunk of {@code request.snapshotIndex()} to be sent. */
    private CompletableFuture<InstallResponse> install(RaftServerProtocol protocol, MemberId member,
            InstallRequest request) {
        RaftContext raft = context;
        if (raft == null) {
            return protocol.install(member, request);
        }
        Snapshot snapshot = raft.getSnapshotStore().getSnapshot(request.snapshotIndex());
        if (snapshot == null) {
            // Replaced by a newer one since the request was built: Atomix's leader asks again with that one.
            return CompletableFuture.completedFuture(InstallResponse.builder()
                .withStatus(RaftResponse.Status.ERROR)
                .withError(RaftError.Type.ILLEGAL_MEMBER_STATE,
                        "snapshot " + request.snapshotIndex() + " was replaced")
                .build());
        }
        SnapshotReader reader;
        try {
            synchronized (snapshot) {
                reader = snapshot.openReader();
            }
        }
        catch (RuntimeException ex) {
            // Thrown back to Atomix's leader, it would leave the follower marked as being sent a snapshot for good.
            return CompletableFuture.failedFuture(ex);
        }
        CompletableFuture<InstallResponse> done = new CompletableFuture<>();
        try {
            senders.execute(() -> push(raft, protocol, member, request, reader, done));
        }
        catch (RejectedExecutionException ex) {
            reader.close();
            done.completeExceptionally(ex);
        }
        return done;
    }

    /** On a sender thread: sends every chunk, then completes {@code done} on the Raft thread. */
    private void push(RaftContext raft, RaftServerProtocol protocol, MemberId member, InstallRequest first,
            SnapshotReader reader, CompletableFuture<InstallResponse> done) {
        long started = System.nanoTime();
        Semaphore window = new Semaphore(CHUNKS_AHEAD);
        AtomicReference<Object> failure = new AtomicReference<>();
        AtomicReference<InstallResponse> lastAnswer = new AtomicReference<>();
        long bytes = reader.remaining();
        int chunks = 0;
        try (reader; LongOperations.Tracked progress = operations.start("snapshot-send",
                first.snapshotIndex() + "-to-" + member.id(), "sending", bytes)) {
            do {
                window.acquire();
                if (failure.get() != null) {
                    window.release();
                    break;
                }
                if (raft.getTerm() != first.term()) {
                    window.release();
                    failure.compareAndSet(null, new IllegalStateException("the leader's term changed"));
                    break;
                }
                byte[] data = new byte[Math.min(CHUNK_BYTES, reader.remaining())];
                reader.read(data);
                InstallRequest chunk = InstallRequest.builder()
                    .withTerm(first.term())
                    .withLeader(first.leader())
                    .withIndex(first.snapshotIndex())
                    .withTimestamp(first.snapshotTimestamp())
                    .withVersion(first.snapshotVersion())
                    .withOffset(chunks++)
                    .withData(data)
                    .withComplete(!reader.hasRemaining())
                    .build();
                protocol.install(member, chunk).whenComplete((answer, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                    else if (answer.status() != RaftResponse.Status.OK) {
                        failure.compareAndSet(null, answer);
                    }
                    else {
                        lastAnswer.set(answer);
                    }
                    window.release();
                });
                progress.advance(data.length);
            }
            while (reader.hasRemaining());
            // Every chunk answered (the follower handles them in order, so the last answer is the last chunk's).
            window.acquire(CHUNKS_AHEAD);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, ex);
        }
        catch (RuntimeException ex) {
            failure.compareAndSet(null, ex);
        }
        Object failed = failure.get();
        if (failed == null) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            logger.info("Sent snapshot {} ({} MB in {} chunks) to Raft peer '{}' in {} ms", first.snapshotIndex(),
                    bytes >> 20, chunks, member.id(), millis);
        }
        else if (lastAnswer.get() != null) {
            logger.warn("Could not send snapshot {} to Raft peer '{}' (sent again at its next turn): {}",
                    first.snapshotIndex(), member.id(), reason(failed));
        }
        else {
            // Nothing got through: a peer that is down, tried again at every heartbeat, as for entries.
            logger.debug("Could not send snapshot {} to Raft peer '{}': {}", first.snapshotIndex(), member.id(),
                    reason(failed));
        }
        try {
            raft.getThreadContext().execute(() -> finish(raft, member, first, failed, lastAnswer.get(), done));
        }
        catch (RejectedExecutionException ex) {
            done.completeExceptionally(ex);
        }
    }

    private static String reason(Object failed) {
        return (failed instanceof InstallResponse answer) ? String.valueOf(answer.error()) : failed.toString();
    }

    /** On the Raft thread: records that the follower holds the snapshot, before Atomix's leader sees the answer. */
    private static void finish(RaftContext raft, MemberId member, InstallRequest first, Object failed,
            InstallResponse answer, CompletableFuture<InstallResponse> done) {
        if (failed instanceof InstallResponse refusal) {
            // Atomix's leader forgets the chunk number and asks again at the member's next turn.
            done.complete(refusal);
            return;
        }
        if (failed instanceof Throwable error) {
            done.completeExceptionally(error);
            return;
        }
        RaftMemberContext state = raft.getCluster().getMemberState(member);
        if (raft.isLeader() && raft.getTerm() == first.term() && state != null) {
            SnapshotInstalls.markInstalled(state, first.snapshotIndex());
        }
        done.complete(answer);
    }
}
