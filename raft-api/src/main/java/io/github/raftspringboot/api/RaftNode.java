package io.github.raftspringboot.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The local Raft member: its state, and the cluster operations of hashicorp/raft's {@code Raft} type.
 * <p>
 * Operations that change the cluster run on the leader: called on another node they fail with a
 * {@link RaftException} of reason {@link RaftException.Reason#NOT_LEADER} naming the leader. Each returns
 * the log index the operation reached. {@code previousIndex} (0 = don't care) refuses a membership change
 * when the configuration has changed since that index.
 * <p>
 * The returned futures complete, with a value or a failure, on callback threads ({@code raft-callbacks-*}), or on
 * the calling thread when the outcome is already known; never on a Raft or network thread, so a callback may
 * block, for instance on a store call.
 */
public interface RaftNode {

    /** How long the blocking backup and restore streams wait at most: far beyond any request timeout. */
    java.time.Duration LONG_OPERATION = java.time.Duration.ofHours(1);


    /** This node's id. */
    String nodeId();

    /** The current state of this node. Cheap: no network call. */
    RaftNodeStatus status();

    /** hashicorp/raft-style statistics (keys such as {@code state}, {@code term}, {@code commit_index}). */
    Map<String, String> stats();

    /** Whether this node is the leader right now (as far as it knows). */
    default boolean isLeader() {
        return status().role() == RaftRole.LEADER;
    }

    /**
     * Adds a voting server, or makes an existing non-voter a voter, with every membership check on
     * ({@link MembershipOptions#defaults()}): an id that is already a member at another address is refused.
     */
    default CompletableFuture<Long> addVoter(String id, String address, long previousIndex) {
        return addVoter(id, address, previousIndex, MembershipOptions.defaults());
    }

    /**
     * Adds a voting server, or makes an existing non-voter a voter. The address is checked (host name or IP literal,
     * port 1-65535) before anything is proposed; a bad one fails with {@link IllegalArgumentException}.
     */
    CompletableFuture<Long> addVoter(String id, String address, long previousIndex, MembershipOptions options);

    /** Adds a server that receives the log but does not vote; a voter stays a voter. Every check on. */
    default CompletableFuture<Long> addNonVoter(String id, String address, long previousIndex) {
        return addNonVoter(id, address, previousIndex, MembershipOptions.defaults());
    }

    /** Adds a server that receives the log but does not vote; a voter stays a voter. */
    CompletableFuture<Long> addNonVoter(String id, String address, long previousIndex, MembershipOptions options);

    /** Takes a server's vote away; it stays a non-voter. Every check on. */
    default CompletableFuture<Long> demoteVoter(String id, long previousIndex) {
        return demoteVoter(id, previousIndex, MembershipOptions.defaults());
    }

    /** Takes a server's vote away; it stays a non-voter. */
    CompletableFuture<Long> demoteVoter(String id, long previousIndex, MembershipOptions options);

    /** Removes a server from the cluster. Every check on. */
    default CompletableFuture<Long> removeServer(String id, long previousIndex) {
        return removeServer(id, previousIndex, MembershipOptions.defaults());
    }

    /** Removes a server from the cluster. */
    CompletableFuture<Long> removeServer(String id, long previousIndex, MembershipOptions options);

    /** Hands leadership to the most up-to-date voter. */
    CompletableFuture<Long> transferLeadership();

    /** Hands leadership to the named voter. */
    CompletableFuture<Long> transferLeadership(String id);

    /** Completes once every entry committed before the call has been applied on the leader. */
    CompletableFuture<Long> barrier();

    /** Confirms with a majority that this node is still the leader. */
    CompletableFuture<Long> verifyLeader();

    /** Takes a snapshot of the state machine now and compacts the log behind it. */
    CompletableFuture<Long> snapshot();

    /**
     * Appends a raw store command to the log (the JSON format in docs/store.md) and returns the index at which
     * it was applied. Like a store write, it works on any node (a follower carries it to the leader). An invalid
     * command fails with {@link RaftException.Reason#INVALID_REQUEST}.
     */
    CompletableFuture<Long> applyCommand(byte[] command);

    /**
     * Takes a consistent copy of the replicated state (a linearizable read: it reflects every write acknowledged
     * before the call). Works on any node. Member addresses are not part of it. Write it to a file with
     * {@link RaftBackup#writeTo}. The whole state is held in memory (and travels as one answer of at most 512 MB
     * between nodes): for states of any size use {@link #backupTo}.
     */
    CompletableFuture<RaftBackup> backup();

    /**
     * Replaces the whole replicated state with a backup's, on every node: the backup is sent to the members (a
     * majority of the voters must receive it, or nothing changes), then one log entry swaps it in atomically on
     * each node (readers see the old state until then; a member that missed the backup gets it from the others).
     * Works on any node; membership is not changed. Writes made after the backup was taken are lost.
     *
     * @return the log index at which the restored state took effect
     */
    CompletableFuture<Long> restore(RaftBackup backup);

    /**
     * Writes a backup to {@code out} in the {@link RaftBackup} file format, as a stream: engines that support it
     * never hold the state in memory (it is spooled to a file in the state directory, then copied to {@code out}),
     * so a backup may be larger than the heap. Blocks until the whole backup is written; it is not cut by the
     * request timeout (a large state takes as long as the disk needs) and logs its progress. Does not close
     * {@code out}.
     *
     * @return the log index whose state the backup holds
     */
    default long backupTo(OutputStream out) throws IOException {
        RaftBackup backup = RaftFutures.await(backup(), LONG_OPERATION);
        backup.writeTo(out);
        return backup.index();
    }

    /**
     * Restores a backup read from {@code in} (the {@link RaftBackup} file format), as a stream: engines that support
     * it spool the backup to disk, verify its checksum and only then send it to the members and commit it like
     * {@link #restore(RaftBackup)}. A stream that is not a backup, is cut short or fails the checksum is refused
     * with {@link InvalidBackupException} and changes nothing. Blocks until the restored state took effect; not cut
     * by the request timeout. Does not close {@code in}.
     *
     * @return the log index at which the restored state took effect
     */
    default long restoreFrom(InputStream in) throws IOException {
        return RaftFutures.await(restore(RaftBackup.readFrom(in)), LONG_OPERATION);
    }

    /**
     * The long operations under way on this node (backups, restores, snapshots) and how far each got; empty when
     * none is.
     */
    default java.util.List<RaftOperationProgress> operationsInProgress() {
        return java.util.List.of();
    }

    /** Stops Raft on this node; the application keeps running. */
    CompletableFuture<Void> shutdown();

    /**
     * This node's operations, each carried to the current leader: on a follower, membership changes, leadership
     * transfers, barriers, leader verification, snapshots and raw commands are sent to the leader and run there;
     * on the leader they run locally. {@code nodeId()}, {@code status()}, {@code stats()} and {@code shutdown()}
     * still describe and act on this node. Fails with {@link RaftException.Reason#NO_LEADER} when no leader is
     * known.
     */
    RaftNode viaLeader();
}
