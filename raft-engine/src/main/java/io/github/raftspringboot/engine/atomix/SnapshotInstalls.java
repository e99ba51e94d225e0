package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.cluster.impl.RaftMemberContext;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.InstallRequest;
import io.atomix.protocols.raft.protocol.InstallResponse;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which followers the leader sends its snapshot to. Atomix's leader decides by two numbers per follower, and both can
 * be wrong:
 * <ul>
 * <li>It sends the snapshot to a follower whose log position is at or below the snapshot's index, even when the log
 * still holds every entry that follower needs: a follower that has caught up when a snapshot is completed on an idle
 * leader got the whole snapshot (345 MB for 1 M keys). Such followers are marked as having it, after each snapshot
 * ({@link #skipFollowersThatHaveTheirEntries}) and when Atomix's leader is about to send it ({@link #wrap}), so they
 * get entries. How the snapshot is sent to the others is {@link SnapshotPush}'s.</li>
 * <li>It sends the snapshot to a follower only once: it remembers the index it installed there. A follower that then
 * lost its state (its directory deleted, the documented way to rebuild a node) answers every append with a log that
 * ends before that snapshot, and the leader, whose log no longer holds those entries, never sends the snapshot again:
 * the follower stayed behind for good (a 1 M-key run). Such an answer makes the leader forget the install
 * ({@link #wrap}), so the follower gets the snapshot again.</li>
 * </ul>
 */
final class SnapshotInstalls {

    private static final Logger logger = LoggerFactory.getLogger(SnapshotInstalls.class);

    /** Set once the node's Raft context exists (the transport is wrapped before). */
    private volatile RaftContext context;

    void attach(RaftContext context) {
        this.context = context;
    }

    /**
     * The transport Atomix's server sends with, watching the followers' answers to appends, and sending a snapshot
     * only to a follower that needs it.
     */
    RaftServerProtocol wrap(RaftServerProtocol protocol) {
        // Checked before Atomix's leader sees the answer, which it handles on its Raft thread after us.
        RaftServerProtocol appends = AppendInterception.wrap(protocol, (inner, member, request) -> inner
            .append(member, request)
            .thenApply(answer -> {
                checkAnswer(member, answer);
                return answer;
            }));
        return AppendInterception.wrapInstalls(appends, this::installIfNeeded);
    }

    /**
     * On the Raft thread, when Atomix's leader sends a snapshot: a follower that has every entry from the log's first
     * one is marked as having the snapshot and gets entries. Atomix's leader decides as soon as the snapshot is
     * current, which is before the log is compacted ({@link #skipFollowersThatHaveTheirEntries}): in between it sent
     * the snapshot to followers that had every entry (two of two in a 1 M-key run).
     */
    private CompletableFuture<InstallResponse> installIfNeeded(RaftServerProtocol protocol, MemberId member,
            InstallRequest request) {
        RaftContext raft = context;
        RaftMemberContext state = (raft == null) ? null : raft.getCluster().getMemberState(member);
        if (state != null && hasItsEntries(state)) {
            logger.debug("Raft peer '{}' has every entry from the log's first: it is not sent snapshot {}", member.id(),
                    request.snapshotIndex());
            markInstalled(state, request.snapshotIndex());
            return CompletableFuture.completedFuture(InstallResponse.builder()
                .withStatus(RaftResponse.Status.OK)
                .build());
        }
        return protocol.install(member, request);
    }

    private static boolean hasItsEntries(RaftMemberContext member) {
        return member.getLogReader() != null && member.getMatchIndex() + 1 >= member.getLogReader().getFirstIndex();
    }

    /** On the Raft thread: Atomix's leader takes {@code member} to hold the snapshot, and sends it entries after it. */
    static void markInstalled(RaftMemberContext member, long snapshotIndex) {
        if (member.getSnapshotIndex() < snapshotIndex) {
            member.setSnapshotIndex(snapshotIndex);
        }
        member.setNextSnapshotIndex(0);
        member.setNextSnapshotOffset(0);
    }

    private void checkAnswer(MemberId member, AppendResponse answer) {
        RaftContext raft = context;
        if (raft == null || answer.status() != RaftResponse.Status.OK || answer.succeeded()) {
            return;
        }
        long lastLogIndex = answer.lastLogIndex();
        try {
            raft.getThreadContext().execute(() -> forgetInstallIfLost(raft, member, lastLogIndex));
        }
        catch (RejectedExecutionException ex) {
            logger.debug("The Raft thread is closed; the answer of {} is not checked", member.id());
        }
    }

    /** On the Raft thread. */
    private static void forgetInstallIfLost(RaftContext raft, MemberId member, long lastLogIndex) {
        if (!raft.isLeader()) {
            return;
        }
        RaftMemberContext state = raft.getCluster().getMemberState(member);
        if (state != null && state.getSnapshotIndex() > lastLogIndex) {
            logger.info("Raft peer '{}' answered that its log ends at {}, before the snapshot at {} it was sent: it lost "
                    + "its state, and is sent the snapshot again", member.id(), lastLogIndex, state.getSnapshotIndex());
            state.setSnapshotIndex(0);
        }
    }

    /**
     * On the Raft thread, once the log is compacted up to the snapshot at {@code snapshotIndex}: a follower that has
     * every entry up to the log's first one is marked as having the snapshot, so it gets entries, not the snapshot.
     */
    void skipFollowersThatHaveTheirEntries(long snapshotIndex) {
        RaftContext raft = context;
        if (raft == null || !raft.isLeader()) {
            return;
        }
        for (RaftMemberContext member : raft.getCluster().getRemoteMemberStates()) {
            if (member.getSnapshotIndex() < snapshotIndex && hasItsEntries(member)) {
                member.setSnapshotIndex(snapshotIndex);
            }
        }
    }
}
