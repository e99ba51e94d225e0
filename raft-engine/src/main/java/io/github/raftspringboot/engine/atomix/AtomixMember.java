package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.PrimitiveType;
import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.impl.DefaultRaftServer;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.utils.concurrent.Scheduled;
import io.atomix.utils.concurrent.ThreadModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.RaftEngineListener;
import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * The Atomix parts of one opened node, wired together: the peer transport (bound here), the Raft server and its
 * context, the embedded client and its session, and the helpers that work on them. Built by
 * {@link EngineLifecycle#open()}, stopped by {@link #stop}.
 */
final class AtomixMember {

    private static final Logger logger = LoggerFactory.getLogger(AtomixMember.class);

    final RaftNodeSettings settings;

    final PeerDirectory directory;

    final GrpcRaftTransport transport;

    final RaftContext context;

    final DefaultRaftServer server;

    /** The Raft client of this node's own session. */
    private final EmbeddedClient client;

    final NodeStatusReader statusReader;

    final MembershipOperations membership;

    final SessionCommands commands;

    final BackupRestore backups;

    /** Where backups and restores are written on their way (docs/operations.md, streamed backups). */
    private final BackupSpool spool;

    final StreamedBackups streamedBackups;

    final StreamedRestores streamedRestores;

    /** The backups of restores this node holds, and how they travel between members. */
    private final RestoreFileTransfers restoreFiles;

    final ClusterJoin join;

    final StateObserver observer;

    final LeaderForwardingNode viaLeader;

    /** Where the log and snapshots are: the state directory, or a scratch directory for a node in memory. */
    final NodeStorage storage;

    final PeerRequestHooks hooks;

    /** Every log index this node applied; linearizable reads wait for the read index in it. */
    private final AppliedIndexTracker logApplied = new AppliedIndexTracker();

    final LinearizableReads reads;

    /** Backups, restores and snapshots under way, and how far they got. */
    final LongOperations operations = new LongOperations();

    /** Before a restore step is sent again: about the time the cluster takes to elect a new leader. */
    private static final Duration RESTORE_RETRY_PAUSE = Duration.ofMillis(500);

    /** Keeps the log's segments from being re-read on the Raft thread when Atomix would unmap them. */
    final SegmentMappings segmentMappings;

    /** The node's snapshots, taken here instead of by Atomix. */
    final Snapshots snapshots;

    /** The leader's bookkeeping around what it sends its followers: read-index answers, log sync, snapshots. */
    private final LeaderSendPath sendPath;

    /** Keeps a leader trying an unreachable follower at every heartbeat ({@link FollowerRetryCap}). */
    private final Scheduled followerRetryCap;

    /** Applies again committed entries Atomix's state machine manager passed over ({@link StalledApplyRecovery}). */
    private final Scheduled stalledApplyRecovery;

    /**
     * Binds the peer port and builds the Raft server and client on it; {@link ClusterJoin#join} then lets the node
     * take part. On failure, whatever was opened is closed again.
     */
    AtomixMember(AtomixRaftEngine engine, RaftNodeSettings settings, ReplicatedStateMachine stateMachine,
            PeerTls peerTls, Parts parts) {
        this.settings = settings;
        this.directory = new PeerDirectory(settings.nodeId(), settings.advertiseAddress(), settings.peers(),
                settings.dialOverrides());
        this.transport = new GrpcRaftTransport(directory,
                new InetSocketAddress(settings.bindHost(), settings.bindPort()),
                new GrpcRaftTransport.Timings(settings.electionTimeout(), settings.heartbeatInterval(),
                        settings.requestTimeout()),
                AtomixRaftEngine.MAX_MESSAGE_SIZE, peerTls);
        try {
            transport.start();
        }
        catch (IOException ex) {
            throw StartupFailures.listenerFailure(ex, settings);
        }
        this.storage = new NodeStorage(settings);
        this.sendPath = new LeaderSendPath(settings, transport.serverProtocol(), parts.measurements(), operations);
        RaftContext created = null;
        BackupSpool createdSpool = null;
        RestoreFileTransfers createdFiles = null;
        EmbeddedClient createdClient = null;
        try {
            createdSpool = BackupSpool.create(settings);
            this.spool = createdSpool;
            createdFiles = new RestoreFileTransfers(settings.nodeId(), RestoreFiles.of(settings),
                    transport::bulkControl, transport::control, () -> directory.snapshot().keySet());
            this.restoreFiles = createdFiles;
            StateMachineService service = new StateMachineService(stateMachine, directory, parts.applied(),
                    parts.onCorruptState(), parts.measurements(), spool, operations, restoreFiles,
                    parts.notClosed());
            PrimitiveType primitiveType = new StateMachinePrimitiveType(service);
            MemberId localId = MemberId.from(settings.nodeId());
            // Atomix's own RaftContext shares a session's sequence number between two threads without locking and
            // loses updates under load (see ThreadSafeRaftSession).
            created = new ThreadSafeSessionsRaftContext(settings.nodeId(), localId,
                    new DirectoryMembershipService(directory), sendPath.protocol(),
                    storage.raftStorage(),
                    new SingleTypeRegistry(primitiveType),
                    ThreadModel.SHARED_THREAD_POOL.factory("raft-" + settings.nodeId() + "-%d", 4, logger), true,
                    logApplied);
            this.context = created;
            if (!settings.inMemory()) {
                // Atomix's own flush-on-commit setting never reaches its journal (see CommitFlush).
                CommitFlush.enable(context.getLog());
            }
            ((ChecksummedSnapshotStore) created.getSnapshotStore()).reportProgressTo(operations);
            // Before the server starts, so no segment is unmapped (and re-read) by replay or catch-up reads.
            this.segmentMappings = SegmentMappings.of(context);
            segmentMappings.keep();
            sendPath.attach(context, segmentMappings);
            // A restore stages a chunk every few hundred ms; one silent for 3 checks is abandoned
            // (a new one replaces it).
            this.snapshots = Snapshots.takeOver(context, segmentMappings, sendPath.installs(),
                    () -> service.restoreStagedWithin(Snapshots.CHECK_INTERVAL.multipliedBy(3)), this::leaderId);
            context.setElectionTimeout(settings.electionTimeout());
            context.setHeartbeatInterval(settings.heartbeatInterval());
            context.setSessionTimeout(settings.sessionTimeout());
            this.hooks = new PeerRequestHooks(context, settings, parts.measurements(), parts.running());
            hooks.install(transport);
            FollowerInstalls.install(transport, context);
            FollowerTimerRange.install(context);
            this.followerRetryCap = FollowerRetryCap.install(context, settings.heartbeatInterval());
            this.stalledApplyRecovery = StalledApplyRecovery.install(context, settings.heartbeatInterval(),
                    settings.electionTimeout());
            this.server = new DefaultRaftServer(context);
            createdClient = new EmbeddedClient(settings, localId, transport, context);
            this.client = createdClient;
            this.commands = new SessionCommands(settings, context, client.client(), primitiveType, parts.running(),
                    this::leaderId);
            this.backups = new BackupRestore(settings, commands);
            Duration giveUpAfter = StreamedBackups.giveUpAfter(settings.requestTimeout());
            this.streamedBackups = new StreamedBackups(settings.nodeId(), spool, backups::step, parts.applied()::await,
                    operations, giveUpAfter, RESTORE_RETRY_PAUSE);
            this.streamedRestores = new StreamedRestores(settings.nodeId(), spool, backups::step, operations,
                    giveUpAfter, RESTORE_RETRY_PAUSE, restoreFiles,
                    () -> StreamedRestores.Members.of(context.getCluster().getConfiguration()));
            snapshots.afterCompaction(restoreFiles.files()::prune);
            this.statusReader = new NodeStatusReader(context, directory, settings, hooks::lastContactMillis);
            this.membership = new MembershipOperations(context, transport, directory, settings,
                    commands::submitSystem, parts.running());
            this.join = new ClusterJoin(context, server, settings, directory, commands::submitSystem,
                    hooks.firstElection);
            this.reads = new LinearizableReads(settings, new LeaderReadIndex(context, sendPath.acknowledgements()),
                    transport, this::leaderId, logApplied, parts.applied(), parts.running(),
                    () -> "commit index " + context.getCommitIndex() + ", Atomix's last applied "
                            + context.getLastApplied() + ", last log index " + context.getLogWriter().getLastIndex());
            transport.setControlHandler(request -> request.hasForward()
                    ? LeaderForwardingNode.run(engine, request.getForward())
                    : request.hasReadIndex() ? reads.serve()
                    : request.hasRestoreFilePiece() ? restoreFiles.onPiece(request.getRestoreFilePiece())
                    : request.hasRestoreFileSend() ? restoreFiles.onSendRequest(request.getRestoreFileSend())
                    : membership.onControl(request));
            this.viaLeader = new LeaderForwardingNode(engine, transport, this::leaderId);
            this.observer = new StateObserver(context, directory, parts.listeners(), parts.notifier(),
                    parts.notClosed());
            parts.listeners().add(new RaftEngineListener() {
                @Override
                public void roleChanged(RaftRole previous, RaftRole current, long term) {
                    if (current == RaftRole.LEADER) {
                        join.registerKnownAddresses();
                    }
                }
            });
            context.addRoleChangeListener(role -> {
                parts.measurements().leading(
                        role == RaftServer.Role.LEADER ? context.getLogWriter().getLastIndex() : -1);
                observer.refresh();
            });
            context.addLeaderElectionListener(member -> observer.refresh());
        }
        catch (RuntimeException ex) {
            sendPath.close();
            if (created != null) {
                created.close();
            }
            if (createdSpool != null) {
                createdSpool.close();
            }
            if (createdFiles != null) {
                createdFiles.close();
                createdFiles.files().close();
            }
            if (createdClient != null) {
                createdClient.discard();
            }
            transport.close();
            storage.release();
            throw ex;
        }
    }

    /** What the engine shares with its member: its trackers, listeners and state. */
    record Parts(AppliedIndexTracker applied, EngineMeasurements measurements, List<RaftEngineListener> listeners,
            Executor notifier, BooleanSupplier running, BooleanSupplier notClosed,
            Consumer<RuntimeException> onCorruptState) {
    }

    String leaderId() {
        return (context.getLeader() != null) ? context.getLeader().memberId().id() : null;
    }

    CompletableFuture<Long> barrier() {
        return commands.submitSystem(StateMachineService.BARRIER, new byte[0]);
    }

    /** A linearizable read confirms the leadership with a majority; the commit index is then current. */
    CompletableFuture<Long> verifyLeader() {
        return commands.linearizableQuery(new byte[0])
            .thenCompose(ignored -> membership.requireLeader("VerifyLeader"))
            .thenApply(ignored -> context.getCommitIndex());
    }

    /** A snapshot that holds at least what this node had applied when asked. */
    CompletableFuture<Long> snapshot() {
        return snapshots.take();
    }

    /**
     * Stops the node: hands over leadership if it leads (and ran), closes the session, the client, the server and
     * the transport. Each step is bounded on its own, so that a node that lost its quorum still stops promptly.
     */
    void stop(long deadline, long step, boolean wasRunning, Runnable markStopped) {
        BoundedStop bounded = new BoundedStop(settings.nodeId());
        if (wasRunning && context.isLeader() && !context.getCluster().getActiveMemberStates().isEmpty()) {
            bounded.await(membership.transferLeadership(null), Math.min(deadline, System.nanoTime() + step),
                    "hand over leadership");
        }
        markStopped.run();
        // A state machine thread waiting for a restore's file gives up, so that the server can stop.
        restoreFiles.close();
        bounded.await(commands.close(), Math.min(deadline, System.nanoTime() + step), "close the client session");
        client.close(bounded, deadline, step);
        bounded.await(BoundedStop.stopServer(context), deadline, "stop the Raft server");
        followerRetryCap.cancel();
        snapshots.cancel();
        stalledApplyRecovery.cancel();
        sendPath.close();
        observer.refresh();
        transport.close();
        spool.close();
        restoreFiles.files().close();
        storage.release();
    }
}
