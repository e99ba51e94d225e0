package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftException.Reason;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.atomix.peer.ControlReply;
import io.github.raftspringboot.engine.atomix.peer.ControlRequest;
import io.github.raftspringboot.engine.atomix.peer.Failure;
import io.github.raftspringboot.engine.atomix.peer.ReadIndex;
import io.github.raftspringboot.engine.RequestDeadlines;

/**
 * Linearizable reads served from this node's own state (ReadIndex, Raft thesis section 6.4): the node gets the
 * leader's read index (its own when it leads, otherwise asked of the leader over the peer port), waits until its state
 * machine has applied that index, and the caller then reads its local copy. Reads waiting at the same moment share one
 * read-index request ({@link ReadIndexBatcher}), so a burst of reads costs one heartbeat round, and followers serve
 * reads without sending the read itself to the leader.
 * <p>
 * A node that cannot reach a leader confirmed by a majority gets no index, so it never answers from stale state: the
 * read retries (another leader may be elected meanwhile) and fails with a TIMEOUT after raft.request-timeout.
 */
final class LinearizableReads {

    private static final Logger logger = LoggerFactory.getLogger(LinearizableReads.class);

    private static final ControlRequest READ_INDEX_REQUEST = ControlRequest.newBuilder()
        .setReadIndex(ReadIndex.getDefaultInstance())
        .build();

    private final RaftNodeSettings settings;

    private final LeaderReadIndex leader;

    private final GrpcRaftTransport transport;

    private final Supplier<String> leaderId;

    private final AppliedIndexTracker logApplied;

    private final AppliedIndexTracker commandsApplied;

    private final BooleanSupplier running;

    /** This node's commit index, Atomix's last applied index and its log's last index, for the timeout message. */
    private final Supplier<String> localLog;

    private final ReadIndexBatcher asLeader;

    private final ReadIndexBatcher viaLeader;

    LinearizableReads(RaftNodeSettings settings, LeaderReadIndex leader, GrpcRaftTransport transport,
            Supplier<String> leaderId, AppliedIndexTracker logApplied, AppliedIndexTracker commandsApplied,
            BooleanSupplier running, Supplier<String> localLog) {
        this.settings = settings;
        this.leader = leader;
        this.transport = transport;
        this.leaderId = leaderId;
        this.logApplied = logApplied;
        this.commandsApplied = commandsApplied;
        this.running = running;
        this.localLog = localLog;
        Duration bound = readIndexBound(settings);
        this.asLeader = new ReadIndexBatcher(leader::confirm, bound);
        this.viaLeader = new ReadIndexBatcher(this::askLeader, bound);
    }

    /**
     * How long one read-index request may take: half the request timeout, so that a read whose request was lost still
     * has time for another, and never under two election timeouts (a round that fails, fails within one).
     */
    static Duration readIndexBound(RaftNodeSettings settings) {
        Duration half = settings.requestTimeout().dividedBy(2);
        Duration floor = settings.electionTimeout().multipliedBy(2);
        return (half.compareTo(floor) < 0) ? floor : half;
    }

    /**
     * Completes once this node's state machine reflects every write acknowledged (by any node) before the call; fails
     * with a {@link RaftException} when no leader confirmed by a majority answered within raft.request-timeout.
     */
    CompletableFuture<Void> barrier() {
        if (!running.getAsBoolean()) {
            return CompletableFuture.failedFuture(
                    new RaftException(Reason.SHUTDOWN, "Read failed: the Raft node is not running"));
        }
        long timeoutMillis = settings.requestTimeout().toMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        CompletableFuture<Void> result = new CompletableFuture<>();
        Progress progress = new Progress();
        attempt(deadline, result, progress);
        return RequestDeadlines.orTimeout(result, timeoutMillis).exceptionally(error -> {
            Throwable cause = AtomixErrors.unwrap(error);
            if (cause instanceof TimeoutException) {
                throw new RaftException(Reason.TIMEOUT, timedOut(progress, timeoutMillis), leaderId.get(), null);
            }
            throw (cause instanceof RaftException raft) ? raft
                    : AtomixErrors.translate(cause, "Read", leaderId.get());
        });
    }

    /** Says which step the read was waiting for when its time was up: the read index, or its application here. */
    private String timedOut(Progress progress, long timeoutMillis) {
        String within = " within raft.request-timeout (" + timeoutMillis + " ms)";
        long readIndex = progress.readIndex;
        if (readIndex > 0) {
            // Which of the three lags (the entries, their commit, their application) says where the fault is.
            String message = "Linearizable read: the read index " + readIndex + " was not applied here" + within
                    + "; this node has applied up to " + Math.max(logApplied.get(), commandsApplied.get()) + " ("
                    + localLog.get() + ")" + AtomixErrors.leaderHint(leaderId.get());
            logger.warn("{}", message);
            return message;
        }
        Throwable refusal = progress.lastRefusal;
        String last = (refusal != null) ? "; last answer: " + AtomixErrors.unwrap(refusal).getMessage()
                : "; no answer yet to the request sent " + (progress.asked ? "to the leader" : "as leader");
        return "Linearizable read: no read index confirmed by a majority" + within + last
                + AtomixErrors.leaderHint(leaderId.get());
    }

    /** Answers a follower's read-index request: this node's read index, or why it has none. */
    CompletableFuture<ControlReply> serve() {
        return asLeader.readIndex().handle((index, error) -> {
            if (error == null) {
                return ControlReply.newBuilder().setIndex(index).build();
            }
            RaftException failure = AtomixErrors.translate(error, "ReadIndex", leaderId.get());
            return ControlReply.newBuilder()
                .setFailure(Failure.newBuilder()
                    .setReason(failure.reason().name())
                    .setLeaderId((failure.leaderId() != null) ? failure.leaderId() : "")
                    .setMessage(String.valueOf(failure.getMessage())))
                .build();
        });
    }

    private void attempt(long deadline, CompletableFuture<Void> result, Progress progress) {
        if (result.isDone()) {
            return;
        }
        boolean asLeaderNow = leader.isLeader();
        progress.asked = !asLeaderNow;
        CompletableFuture<Long> index = asLeaderNow ? asLeader.readIndex() : viaLeader.readIndex();
        index.whenComplete((readIndex, error) -> {
            if (error == null) {
                progress.readIndex = readIndex;
                CompletableFuture.anyOf(logApplied.await(readIndex), commandsApplied.await(readIndex))
                    .whenComplete((ignored, notApplied) -> {
                        if (notApplied != null) {
                            result.completeExceptionally(notApplied);
                        }
                        else {
                            result.complete(null);
                        }
                    });
                return;
            }
            progress.lastRefusal = error;
            // Reads change nothing, so asking again (the leader may have changed) is always safe.
            long pause = settings.heartbeatInterval().toMillis();
            if (!running.getAsBoolean()) {
                result.completeExceptionally(error);
                return;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) >= deadline) {
                // No time for another try: the read's time-out ends it as a TIMEOUT that quotes this last answer.
                return;
            }
            Executor later = CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS);
            later.execute(() -> attempt(deadline, result, progress));
        });
    }

    private CompletableFuture<Long> askLeader() {
        String leaderNow = leaderId.get();
        if (leaderNow == null || leaderNow.equals(settings.nodeId())) {
            return CompletableFuture.failedFuture(new RaftException(Reason.NO_LEADER,
                    "Linearizable read: no leader is known right now; retry once one is elected"));
        }
        CompletableFuture<Long> answer = transport.control(leaderNow, READ_INDEX_REQUEST).handle((reply, error) -> {
            if (error != null) {
                throw AtomixErrors.translate(error, "ReadIndex on the leader '" + leaderNow + "'", leaderNow);
            }
            if (reply.hasFailure()) {
                Failure failure = reply.getFailure();
                throw new RaftException(Reason.valueOf(failure.getReason()), failure.getMessage(),
                        failure.getLeaderId().isEmpty() ? null : failure.getLeaderId(), null);
            }
            return reply.getIndex();
        });
        abandonWhenReplaced(answer, leaderNow);
        return answer;
    }

    /**
     * Gives up on a read-index request once {@code asked} is no longer the leader this node knows: a frozen or cut-off
     * leader neither answers nor fails it until the transport's deadline, and every read of this node waits for that
     * one request ({@link ReadIndexBatcher}). The read then asks the new leader; asking again is always safe.
     */
    private void abandonWhenReplaced(CompletableFuture<Long> answer, String asked) {
        long pause = settings.heartbeatInterval().toMillis();
        CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS).execute(() -> {
            if (answer.isDone()) {
                return;
            }
            String now = leaderId.get();
            if (asked.equals(now)) {
                abandonWhenReplaced(answer, asked);
                return;
            }
            answer.completeExceptionally(new RaftException(Reason.NO_LEADER, "Linearizable read: the leader '"
                    + asked + "' asked for a read index was replaced (" + ((now != null) ? "by '" + now + "'"
                    : "no leader known yet") + ") before it answered; asking again", now, null));
        });
    }

    /** How far one read got, for the message of a read whose time is up. */
    private static final class Progress {

        volatile long readIndex;

        volatile Throwable lastRefusal;

        volatile boolean asked;
    }
}
