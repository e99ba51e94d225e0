package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.atomix.primitive.operation.OperationId;
import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftOperationProgress;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.ApiCallbacks;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftEngineListener;
import io.github.raftspringboot.engine.RaftMetricsSource.OperationStats;
import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * A Raft member built from Atomix's Raft server and client, carried over {@link GrpcRaftTransport}. This class
 * holds the node's life cycle (open, start, close) and hands each operation to the part that does it
 * ({@link AtomixMember} and its helpers; {@link MemberCalls} fails it while there is no member to take it).
 * <p>
 * Durability: with disk storage, the journal fsyncs the log when the commit index advances (on the leader before it
 * applies and answers; Atomix's own setting for it never reached the journal: {@link CommitFlush}), and the leader
 * starts that fsync as its entries go out ({@link LeaderLogSync}); we add an fsync on every follower before it
 * acknowledges an append that carried entries ({@link PeerRequestHooks}). So an acknowledged write is on disk on a
 * majority. Each fsync covers every entry received since the last one: concurrent writes share them (group commit).
 * <p>
 * Threads: the {@link RaftEngine} methods the store builds on ({@link #submit}, the reads) complete on the thread that
 * learns the outcome; every {@link RaftNode} operation an application may call completes on {@link ApiCallbacks}'
 * threads, so that its callbacks never run on (and never block) a Raft or transport thread.
 */
public final class AtomixRaftEngine implements RaftEngine {

    /**
     * Largest message between nodes. Log entries are bounded by raft.limits.max-entry-size, but a query answer
     * (e.g. every entry of the store, for a backup) can be far larger.
     */
    static final int MAX_MESSAGE_SIZE = 512 * 1024 * 1024;

    private final RaftNodeSettings settings;

    private final ReplicatedStateMachine stateMachine;

    private final AppliedIndexTracker applied = new AppliedIndexTracker();

    private final EngineMeasurements measurements = new EngineMeasurements();

    private final List<RaftEngineListener> listeners = new CopyOnWriteArrayList<>();

    private final EngineLifecycle lifecycle;

    /** The member each operation goes to, or the failure when there is none. */
    private final MemberCalls calls;

    public AtomixRaftEngine(RaftNodeSettings settings, ReplicatedStateMachine stateMachine) {
        this(settings, stateMachine, null);
    }

    /** @param peerTls mutual TLS for the peer port, or {@code null} for plaintext */
    public AtomixRaftEngine(RaftNodeSettings settings, ReplicatedStateMachine stateMachine, PeerTls peerTls) {
        this.settings = settings;
        this.stateMachine = stateMachine;
        this.lifecycle = new EngineLifecycle(this, settings, stateMachine, peerTls, applied, measurements, listeners);
        this.calls = new MemberCalls(lifecycle);
    }

    // ---- life cycle ----

    @Override
    public void open() {
        lifecycle.open();
    }

    @Override
    public void start() {
        lifecycle.start();
    }

    @Override
    public void close() {
        lifecycle.close();
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return ApiCallbacks.run(this::close);
    }

    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    @Override
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    // ---- commands, queries, backups ----

    @Override
    public CompletableFuture<CommandResult> submit(byte[] command) {
        return calls.onOpened("Write", member -> member.commands.submit(command));
    }

    @Override
    public CompletableFuture<byte[]> linearizableQuery(byte[] query) {
        return calls.onOpened("Read", member -> member.commands.linearizableQuery(query));
    }

    @Override
    public CompletableFuture<Void> linearizableReadBarrier() {
        return calls.onOpened("Read", member -> member.reads.barrier());
    }

    @Override
    public CompletableFuture<Long> applyCommand(byte[] command) {
        String problem = stateMachine.validate(command);
        if (problem != null) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.INVALID_REQUEST, problem));
        }
        return ApiCallbacks.complete(submit(command), CommandResult::index);
    }

    @Override
    public CompletableFuture<RaftBackup> backup() {
        return calls.onOpened("Backup", member -> ApiCallbacks.complete(member.backups.backup()));
    }

    @Override
    public CompletableFuture<Long> restore(RaftBackup backup) {
        return calls.onOpened("Restore",
                member -> ApiCallbacks.complete(member.backups.restore(backup, member.streamedRestores)));
    }

    @Override
    public long appliedIndex() {
        return applied.get();
    }

    @Override
    public CompletableFuture<Void> awaitApplied(long index) {
        return applied.await(index);
    }

    @Override
    public void addListener(RaftEngineListener listener) {
        listeners.add(listener);
        AtomixMember current = lifecycle.member();
        if (current != null) {
            current.observer.refresh();
        }
    }

    // ---- node view and operations ----

    @Override
    public RaftNodeStatus status() {
        return calls.fromOpened(member -> member.statusReader.status(isRunning()),
                () -> NodeStatusReader.notStarted(settings));
    }

    @Override
    public Map<String, String> stats() {
        return calls.fromOpened(member -> member.statusReader.stats(isRunning()), () -> Map.of("state", "Shutdown"));
    }

    @Override
    public CompletableFuture<Long> addVoter(String id, String address, long previousIndex,
            MembershipOptions options) {
        return ApiCallbacks.complete(calls.membership().addServer(id, address, previousIndex, true, options));
    }

    @Override
    public CompletableFuture<Long> addNonVoter(String id, String address, long previousIndex,
            MembershipOptions options) {
        return ApiCallbacks.complete(calls.membership().addServer(id, address, previousIndex, false, options));
    }

    @Override
    public CompletableFuture<Long> demoteVoter(String id, long previousIndex, MembershipOptions options) {
        return ApiCallbacks.complete(calls.membership().demote(id, previousIndex, options));
    }

    @Override
    public CompletableFuture<Long> removeServer(String id, long previousIndex, MembershipOptions options) {
        return ApiCallbacks.complete(calls.membership().remove(id, previousIndex, options));
    }

    /** This node's session commands, for tests of the session path; null while the node is not open. */
    SessionCommands sessionCommands() {
        return calls.fromOpened(member -> member.commands, () -> null);
    }

    @Override
    public CompletableFuture<Long> transferLeadership() {
        return ApiCallbacks.complete(calls.membership().transferLeadership(null));
    }

    @Override
    public CompletableFuture<Long> transferLeadership(String id) {
        return ApiCallbacks.complete(calls.membership().transferLeadership(id));
    }

    @Override
    public CompletableFuture<Long> barrier() {
        return ApiCallbacks.complete(calls.onLeader("Barrier", AtomixMember::barrier));
    }

    @Override
    public CompletableFuture<Long> verifyLeader() {
        return ApiCallbacks.complete(calls.onLeader("VerifyLeader", AtomixMember::verifyLeader));
    }

    @Override
    public CompletableFuture<Long> snapshot() {
        return calls.onRunning("Snapshot", member -> ApiCallbacks.complete(member.snapshot()));
    }

    @Override
    public RaftNode viaLeader() {
        return calls.opened().viaLeader;
    }

    // ---- metrics ----

    @Override
    public Map<String, Long> replicationMatchIndexes() {
        return calls.fromOpened(member -> EngineMeasurements.matchIndexes(member.context), Map::of);
    }

    @Override
    public OperationStats snapshots() {
        return measurements.snapshots();
    }

    @Override
    public long lastSnapshotSizeBytes() {
        return measurements.lastSnapshotSize();
    }

    @Override
    public OperationStats logAppends() {
        return measurements.appends();
    }

    @Override
    public OperationStats commits() {
        return measurements.commits();
    }

    @Override
    public OperationStats leaderLogSyncs() {
        return measurements.leaderSyncs();
    }

    @Override
    public long backupTo(OutputStream out) throws IOException {
        return calls.running("Backup").streamedBackups.backupTo(out);
    }

    @Override
    public long restoreFrom(InputStream in) throws IOException {
        return calls.running("Restore").streamedRestores.restoreFrom(in);
    }

    @Override
    public List<RaftOperationProgress> operationsInProgress() {
        return calls.fromOpened(member -> member.operations.inProgress(), List::of);
    }

    /** The running member's parts, or null; package-private for tests that reach into the transport. */
    AtomixMember member() {
        return lifecycle.member();
    }

    /** One entry of a restore; package-private for tests that stop a restore half-way. */
    CompletableFuture<Long> restoreStep(OperationId operation, byte[] payload) {
        return calls.onOpened("Restore", member -> member.backups.step(operation, payload));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
