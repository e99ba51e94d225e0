package io.github.raftspringboot.engine.atomix;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.PrimitiveState;
import io.atomix.primitive.PrimitiveType;
import io.atomix.primitive.PrimitiveTypeRegistry;
import io.atomix.primitive.Recovery;
import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.operation.PrimitiveOperation;
import io.atomix.primitive.partition.PartitionId;
import io.atomix.primitive.service.ServiceConfig;
import io.atomix.primitive.session.SessionClient;
import io.atomix.protocols.raft.RaftClient;
import io.atomix.protocols.raft.ReadConsistency;
import io.atomix.protocols.raft.impl.DefaultRaftServer;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.ConfigureRequest;
import io.atomix.protocols.raft.protocol.ConfigureResponse;
import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.storage.RaftStorage;
import io.atomix.protocols.raft.storage.system.Configuration;
import io.atomix.utils.concurrent.ThreadModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.engine.JvmOptions;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.RaftEngine;
import io.github.raftspringboot.engine.RaftEngineListener;
import io.github.raftspringboot.engine.RaftMetricsSource.OperationStats;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.RaftStartupException;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.StateDirectory;

/**
 * A Raft member built from Atomix's Raft server and client, carried over {@link GrpcRaftTransport}.
 * <p>
 * Durability: with disk storage, Atomix fsyncs the log when the commit index advances (on the leader before it
 * applies and answers); we add an fsync on every follower before it acknowledges an append that carried entries.
 * So an acknowledged write is on disk on a majority. Both fsyncs cover every entry received since the last one:
 * concurrent writes share them (group commit).
 */
public final class AtomixRaftEngine implements RaftEngine {

    private static final Logger logger = LoggerFactory.getLogger(AtomixRaftEngine.class);

    private static final String STATE_MACHINE_NAME = "state-machine";

    private static final PartitionId PARTITION = PartitionId.from("raft", 1);

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

    private final ExecutorService notifier;

    private final AtomicReference<CompletableFuture<SessionClient>> session = new AtomicReference<>();

    private final OrderedSessionCalls calls = new OrderedSessionCalls(this::session, this::abandonSession);

    private final PeerTls peerTls;

    private PeerDirectory directory;

    private GrpcRaftTransport transport;

    private volatile RaftContext context;

    private DefaultRaftServer server;

    private RaftClient client;

    private PrimitiveType primitiveType;

    private File scratchDirectory;

    private NodeStatusReader statusReader;

    private MembershipOperations membership;

    private volatile StateObserver observer;

    private volatile RaftNode viaLeader;

    private BackupSpool spool;

    private StreamedBackups streamedBackups;

    private volatile boolean running;

    /** Set once by close(); unlike {@code running} it is false while start() is still under way. */
    private volatile boolean closed;

    /** Set by open(): the port is bound and the storage open, so close() has something to release. */
    private volatile boolean opened;

    private volatile long lastContactMillis;

    public AtomixRaftEngine(RaftNodeSettings settings, ReplicatedStateMachine stateMachine) {
        this(settings, stateMachine, null);
    }

    /** @param peerTls mutual TLS for the peer port, or {@code null} for plaintext */
    public AtomixRaftEngine(RaftNodeSettings settings, ReplicatedStateMachine stateMachine, PeerTls peerTls) {
        this.peerTls = peerTls;
        this.settings = settings;
        this.stateMachine = stateMachine;
        this.notifier = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "raft-events-" + settings.nodeId());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public synchronized void open() {
        if (opened) {
            return;
        }
        if (closed) {
            throw new RaftException(RaftException.Reason.SHUTDOWN, "The Raft node '" + settings.nodeId()
                    + "' was stopped and cannot be started again; create a new engine");
        }
        JvmOptions.verify();
        if (!settings.inMemory()) {
            StateDirectory.claim(settings.stateDir(), settings.nodeId());
        }
        directory = new PeerDirectory(settings.nodeId(), settings.advertiseAddress(), settings.peers());
        transport = new GrpcRaftTransport(directory,
                new InetSocketAddress(settings.bindHost(), settings.bindPort()), settings.requestTimeout(),
                MAX_MESSAGE_SIZE, peerTls);
        startTransport();
        try {
            prepareRaft();
        }
        catch (RuntimeException ex) {
            if (context != null) {
                context.close();
            }
            transport.close();
            throw engineFailure(ex);
        }
        opened = true;
    }

    @Override
    public synchronized void start() {
        open();
        if (running) {
            return;
        }
        try {
            joinCluster();
        }
        catch (RuntimeException ex) {
            close();
            throw engineFailure(ex);
        }
        running = true;
        logger.info("Raft node '{}' listening on {}:{} ({}, advertised as {}), storage {}, peers {}",
                settings.nodeId(), settings.bindHost(), transport.boundPort(),
                (peerTls != null) ? "mutual TLS" : "plaintext", settings.advertiseAddress(),
                settings.inMemory() ? "memory" : settings.stateDir(), settings.peers());
    }

    private static RaftStartupException engineFailure(RuntimeException ex) {
        return (ex instanceof RaftStartupException startup) ? startup
                : new RaftStartupException(RaftStartupException.Problem.ENGINE_FAILED,
                        "The Raft engine failed to start: " + ex.getMessage(),
                        "Check the log above for the cause; if the state directory is damaged, restore it "
                                + "from a backup or remove it and re-add the node (see docs/operations.md).",
                        ex);
    }

    private void startTransport() {
        try {
            transport.start();
        }
        catch (IOException ex) {
            Throwable cause = ex;
            while (cause != null && !(cause instanceof BindException)) {
                cause = cause.getCause();
            }
            if (cause != null) {
                throw new RaftStartupException(RaftStartupException.Problem.PORT_IN_USE,
                        "The Raft port " + settings.bindHost() + ":" + settings.bindPort()
                                + " is already in use (or cannot be bound).",
                        "Stop the process using port " + settings.bindPort()
                                + ", or set raft.port (RAFT_PORT) to a free port and update raft.peers on every node.",
                        ex);
            }
            throw new UncheckedIOException("Could not start the Raft peer listener", ex);
        }
    }

    /** Builds the Raft server and client on the bound transport; {@link #joinCluster()} then lets it take part. */
    private void prepareRaft() {
        spool = BackupSpool.create(settings);
        streamedBackups = new StreamedBackups(settings.nodeId(), spool, this::restoreStep, applied::await,
                restoreChunkSize(settings.maxEntrySize()));
        StateMachineService service = new StateMachineService(stateMachine, directory, applied, this::stopOnCorruptState,
                measurements, spool);
        primitiveType = new StateMachinePrimitiveType(service);
        PrimitiveTypeRegistry registry = new SingleTypeRegistry(primitiveType);
        MemberId localId = MemberId.from(settings.nodeId());
        // Atomix's own RaftContext shares a session's sequence number between two threads without locking and
        // loses updates under load (see ThreadSafeRaftSession).
        context = new ThreadSafeSessionsRaftContext(settings.nodeId(), localId,
                new DirectoryMembershipService(directory), transport, storage(), registry,
                ThreadModel.SHARED_THREAD_POOL.factory("raft-" + settings.nodeId() + "-%d", 4, logger), true);
        context.setElectionTimeout(settings.electionTimeout());
        context.setHeartbeatInterval(settings.heartbeatInterval());
        context.setSessionTimeout(settings.sessionTimeout());
        transport.decorateHandler(AppendRequest.class, this::durableAppend);
        transport.decorateHandler(ConfigureRequest.class, this::activateAddedNonVoter);
        server = new DefaultRaftServer(context);
        statusReader = new NodeStatusReader(context, directory, settings, () -> lastContactMillis);
        membership = new MembershipOperations(context, server, transport, directory, settings, this::submitSystem);
        transport.setControlHandler(message -> {
            String text = new String(message, StandardCharsets.UTF_8);
            return text.startsWith(LeaderForwardingNode.PREFIX) ? LeaderForwardingNode.run(this, text)
                    : membership.onControl(message);
        });
        viaLeader = new LeaderForwardingNode(this, transport, this::leaderId);
        observer = new StateObserver(context, directory, listeners, notifier, () -> !closed);
        listeners.add(new RaftEngineListener() {
            @Override
            public void roleChanged(io.github.raftspringboot.api.RaftRole previous,
                    io.github.raftspringboot.api.RaftRole current, long term) {
                if (current == io.github.raftspringboot.api.RaftRole.LEADER) {
                    registerKnownAddresses();
                }
            }
        });
        context.addRoleChangeListener(role -> {
            measurements.leading(role == RaftServer.Role.LEADER ? context.getLogWriter().getLastIndex() : -1);
            observer.refresh();
        });
        context.addLeaderElectionListener(member -> observer.refresh());
        client = RaftClient.builder(memberIds())
            .withClientId(settings.nodeId())
            .withMemberId(localId)
            .withPartitionId(PARTITION)
            .withProtocol(transport)
            .withThreadModel(ThreadModel.SHARED_THREAD_POOL)
            .withThreadPoolSize(4)
            .build();
    }

    private void stopOnCorruptState(RuntimeException failure) {
        logger.error("Raft node '{}' cannot restore its state from a snapshot and stops rather than serve incomplete "
                + "data; restore the state directory from a backup or remove it and re-add the node "
                + "(docs/operations.md)", settings.nodeId(), failure);
        CompletableFuture.runAsync(this::close);
    }

    private RaftStorage storage() {
        if (!settings.inMemory()) {
            return RaftStorageFactory.disk(settings);
        }
        try {
            scratchDirectory = Files.createTempDirectory("raft-memory-" + settings.nodeId()).toFile();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not create a scratch directory for in-memory Raft storage", ex);
        }
        return RaftStorageFactory.memory(settings, scratchDirectory);
    }

    private void joinCluster() {
        Configuration stored = context.getMetaStore().loadConfiguration();
        boolean member = stored != null && !stored.members().isEmpty();
        if (member && settings.bootstrap()) {
            refuseStateOfAnotherCluster(stored);
        }
        if (!member && !settings.bootstrap()) {
            if (stored == null) {
                // Atomix reloads the stored configuration when a leader first contacts an inactive node; give it
                // an empty one to load until the leader's configuration arrives.
                context.getMetaStore().storeConfiguration(new Configuration(0, 0, System.currentTimeMillis(), new java.util.ArrayList<>()));
            }
            logger.info("Raft node '{}' has no cluster state and raft.bootstrap=false: waiting to be added to a "
                    + "cluster (AddVoter/AddNonvoter on the leader)", settings.nodeId());
            return;
        }
        server.bootstrap(memberIds()).whenComplete((result, error) -> {
            if (error != null && running) {
                logger.warn("Raft node '{}' could not complete joining the cluster: {}", settings.nodeId(),
                        error.toString());
            }
        });
    }

    /**
     * A bootstrapping node whose stored configuration shares no member but itself with {@code raft.peers} was
     * almost certainly pointed at another cluster's state (or the peers are wrong): joining would mix two logs.
     */
    private void refuseStateOfAnotherCluster(Configuration stored) {
        java.util.Set<String> storedOthers = new java.util.TreeSet<>();
        stored.members().forEach(member -> storedOthers.add(member.memberId().id()));
        storedOthers.remove(settings.nodeId());
        java.util.Set<String> configuredOthers = new java.util.TreeSet<>();
        settings.peers().forEach(peer -> configuredOthers.add(peer.id()));
        configuredOthers.remove(settings.nodeId());
        if (!storedOthers.isEmpty() && !configuredOthers.isEmpty()
                && java.util.Collections.disjoint(storedOthers, configuredOthers)) {
            throw new RaftStartupException(RaftStartupException.Problem.STATE_DIR_OF_ANOTHER_CLUSTER,
                    "The Raft state directory " + settings.stateDir() + " belongs to a cluster of " + storedOthers
                            + " and this node, but raft.peers names " + configuredOthers + ".",
                    "Point raft.state-dir at this cluster's directory, or fix raft.peers. To make this node a fresh "
                            + "member of the cluster in raft.peers, delete the directory (its data is lost) and "
                            + "add the node with AddVoter (see docs/operations.md).",
                    null);
        }
    }

    /** A new leader records every member address it knows in the log, for nodes that join later. */
    private void registerKnownAddresses() {
        StringBuilder records = new StringBuilder();
        directory.snapshot().forEach((id, address) -> records.append(id).append('\n').append(address).append('\n'));
        submitSystem(StateMachineService.REGISTER_ADDRESS, utf8(records.toString())).whenComplete((index, error) -> {
            if (error != null) {
                logger.debug("Could not record member addresses: {}", error.toString());
            }
        });
    }

    private List<MemberId> memberIds() {
        return settings.peers().stream().map(peer -> MemberId.from(peer.id())).toList();
    }

    /** Makes a follower's accepted entries durable before it acknowledges them, and notes leader contact. */
    private Function<AppendRequest, CompletableFuture<AppendResponse>> durableAppend(
            Function<AppendRequest, CompletableFuture<AppendResponse>> handler) {
        return request -> {
            long received = System.nanoTime();
            return handler.apply(request).thenApply(response -> {
                if (response.status() == RaftResponse.Status.OK) {
                    lastContactMillis = System.currentTimeMillis();
                    if (response.succeeded() && !request.entries().isEmpty()) {
                        if (!settings.inMemory()) {
                            context.getLogWriter().flush();
                        }
                        measurements.appended(System.nanoTime() - received);
                    }
                }
                return response;
            });
        };
    }

    /**
     * Atomix moves an inactive node into the cluster when a configuration makes it a voter, but leaves a node that
     * the leader added as a non-voter inactive until it commits; start it as a passive member right away. A node
     * that is not started yet (its application still starting) takes no configuration.
     */
    private Function<ConfigureRequest, CompletableFuture<ConfigureResponse>> activateAddedNonVoter(
            Function<ConfigureRequest, CompletableFuture<ConfigureResponse>> handler) {
        return request -> {
            if (!running) {
                // Opened but not started: the application is still starting, and may yet fail.
                return CompletableFuture.completedFuture(ConfigureResponse.builder()
                    .withStatus(RaftResponse.Status.ERROR)
                    .withError(io.atomix.protocols.raft.RaftError.Type.UNAVAILABLE)
                    .build());
            }
            return handler.apply(request).thenApply(response -> {
                RaftMember local = context.getCluster().getMember();
                if (context.getRole() == RaftServer.Role.INACTIVE && local.getType() == RaftMember.Type.PASSIVE
                        && context.getCluster().getConfiguration() != null
                        && context.getCluster().getConfiguration().members().contains(local)) {
                    context.transition(RaftServer.Role.PASSIVE);
                }
                return response;
            });
        };
    }

    // ---- commands and queries ----

    @Override
    public CompletableFuture<CommandResult> submit(byte[] command) {
        return execute(StateMachineService.APPLY, command, "Write").thenApply(AtomixRaftEngine::toResult);
    }

    private CompletableFuture<Long> submitSystem(OperationId operation, byte[] payload) {
        return execute(operation, payload, "Operation").thenApply(reply -> toResult(reply).index());
    }

    @Override
    public CompletableFuture<byte[]> linearizableQuery(byte[] query) {
        return execute(StateMachineService.QUERY, query, "Read");
    }

    private CompletableFuture<byte[]> execute(OperationId operation, byte[] payload, String what) {
        if (!running) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.SHUTDOWN,
                    what + " failed: the Raft node is not running"));
        }
        CompletableFuture<byte[]> result = calls.execute(PrimitiveOperation.operation(operation, payload))
            .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return result.handle((reply, error) -> {
            if (error != null) {
                throw AtomixErrors.translate(error, what, leaderId());
            }
            return reply;
        });
    }

    private static CommandResult toResult(byte[] reply) {
        ByteBuffer buffer = ByteBuffer.wrap(reply);
        long index = buffer.getLong();
        byte[] result = new byte[buffer.remaining()];
        buffer.get(result);
        return new CommandResult(index, result);
    }

    /** The session shared by every store call of this node, opened on first use and reopened after a failure. */
    private CompletableFuture<SessionClient> session() {
        while (true) {
            CompletableFuture<SessionClient> current = session.get();
            if (current != null && !current.isCompletedExceptionally()
                    && (!current.isDone() || current.join().getState() != PrimitiveState.CLOSED)) {
                return current;
            }
            CompletableFuture<SessionClient> opening = new CompletableFuture<>();
            if (session.compareAndSet(current, opening)) {
                openSession().whenComplete((opened, error) -> {
                    if (error != null) {
                        opening.completeExceptionally(error);
                    }
                    else {
                        opening.complete(opened);
                    }
                });
                return opening;
            }
        }
    }

    /**
     * A call on {@code stuck} timed out. Atomix's session delivers commands in sequence, so a gap the leader waits on
     * holds up every later call of the session. The gap we saw under load came from a lost update on the leader
     * (fixed by {@link ThreadSafeRaftSession}); a call can still time out when the leader is lost mid-call, and
     * Atomix's client has rarer paths that leave a gap it does not fill. So a session with a timed-out call is
     * replaced: the next call opens a new one. Calls still in flight on the old session end as they would on a
     * timeout; none is applied twice.
     */
    private void abandonSession(SessionClient stuck) {
        CompletableFuture<SessionClient> current = session.get();
        if (current == null || !current.isDone() || current.isCompletedExceptionally() || current.join() != stuck
                || !session.compareAndSet(current, null)) {
            return;
        }
        logger.warn("Raft node '{}': a request on its client session {} timed out; opening a new session for the "
                + "next requests", settings.nodeId(), stuck.sessionId());
        stuck.close().whenComplete((closed, error) -> {
            if (error != null) {
                logger.debug("Could not close the abandoned session {}: {}", stuck.sessionId(), error.toString());
            }
        });
    }

    private CompletableFuture<SessionClient> openSession() {
        Collection<MemberId> members = context.getCluster().getMembers().isEmpty() ? memberIds()
                : context.getCluster().getMembers().stream().map(member -> member.memberId()).toList();
        return client.connect(members)
            .thenCompose(connected -> connected
                .sessionBuilder(STATE_MACHINE_NAME, primitiveType, new ServiceConfig())
                .withReadConsistency(ReadConsistency.LINEARIZABLE)
                .withMinTimeout(settings.sessionTimeout())
                .withMaxTimeout(settings.sessionTimeout())
                .withRecoveryStrategy(Recovery.RECOVER)
                .withMaxRetries(Integer.MAX_VALUE)
                .withRetryDelay(settings.heartbeatInterval())
                .build()
                .connect());
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
        StateObserver current = observer;
        if (current != null) {
            current.refresh();
        }
    }

    // ---- node view and operations ----

    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public RaftNodeStatus status() {
        return (statusReader != null) ? statusReader.status(running) : NodeStatusReader.notStarted(settings);
    }

    @Override
    public Map<String, String> stats() {
        return (statusReader != null) ? statusReader.stats(running) : Map.of("state", "Shutdown");
    }

    private String leaderId() {
        RaftContext current = context;
        return (current != null && current.getLeader() != null) ? current.getLeader().memberId().id() : null;
    }

    @Override
    public CompletableFuture<Long> addVoter(String id, String address, long previousIndex,
            MembershipOptions options) {
        return membership().addServer(id, address, previousIndex, true, options);
    }

    @Override
    public CompletableFuture<Long> addNonVoter(String id, String address, long previousIndex,
            MembershipOptions options) {
        return membership().addServer(id, address, previousIndex, false, options);
    }

    @Override
    public CompletableFuture<Long> demoteVoter(String id, long previousIndex, MembershipOptions options) {
        return membership().demote(id, previousIndex, options);
    }

    @Override
    public CompletableFuture<Long> removeServer(String id, long previousIndex, MembershipOptions options) {
        return membership().remove(id, previousIndex, options);
    }

    @Override
    public CompletableFuture<Long> transferLeadership() {
        return membership().transferLeadership(null);
    }

    @Override
    public CompletableFuture<Long> transferLeadership(String id) {
        return membership().transferLeadership(id);
    }

    @Override
    public CompletableFuture<Long> barrier() {
        return membership().requireLeader("Barrier")
            .thenCompose(ignored -> submitSystem(StateMachineService.BARRIER, new byte[0]));
    }

    @Override
    public CompletableFuture<Long> verifyLeader() {
        return membership().requireLeader("VerifyLeader")
            .thenCompose(ignored -> linearizableQuery(new byte[0]))
            .thenCompose(ignored -> membership().requireLeader("VerifyLeader"))
            .thenApply(ignored -> context.getCommitIndex());
    }

    @Override
    public CompletableFuture<Long> snapshot() {
        if (!running) {
            return notRunning("Snapshot");
        }
        return server.compact()
            .thenApply(ignored -> statusReader.status(true).lastSnapshotIndex())
            .exceptionally(error -> {
                throw AtomixErrors.translate(error, "Snapshot", leaderId());
            });
    }

    @Override
    public CompletableFuture<Long> applyCommand(byte[] command) {
        String problem = stateMachine.validate(command);
        if (problem != null) {
            return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.INVALID_REQUEST, problem));
        }
        return submit(command).thenApply(CommandResult::index);
    }

    @Override
    public CompletableFuture<RaftBackup> backup() {
        return execute(StateMachineService.BACKUP, new byte[0], "Backup").thenApply(reply -> {
            CommandResult answer = toResult(reply);
            return new RaftBackup(settings.nodeId(), answer.index(), java.time.Instant.now(), answer.result());
        });
    }

    /** Stages the backup in entries of half the largest entry size at most, then commits it in one entry. */
    @Override
    public CompletableFuture<Long> restore(RaftBackup backup) {
        byte[] state = backup.state();
        String restoreId = java.util.UUID.randomUUID().toString();
        int chunkSize = restoreChunkSize(settings.maxEntrySize());
        logger.info("Restoring the backup of node '{}' at index {} ({} bytes) as restore {}", backup.nodeId(),
                backup.index(), state.length, restoreId);
        CompletableFuture<Long> steps = restoreStep(StagedRestore.BEGIN, StagedRestore.beginEntry(restoreId, state));
        int sequence = 0;
        for (int offset = 0; offset < state.length; offset += chunkSize) {
            int chunk = sequence++;
            int from = offset;
            int length = Math.min(chunkSize, state.length - offset);
            steps = steps.thenCompose(index -> restoreStep(StagedRestore.CHUNK,
                    StagedRestore.chunkEntry(restoreId, chunk, state, from, length)));
        }
        return steps.thenCompose(index -> restoreStep(StagedRestore.COMMIT, StagedRestore.commitEntry(restoreId)))
            .whenComplete((index, error) -> {
                if (error == null) {
                    logger.info("Restore {} took effect at index {}", restoreId, index);
                }
            });
    }

    @Override
    public long backupTo(java.io.OutputStream out) throws IOException {
        requireRunning("Backup");
        return streamedBackups.backupTo(out);
    }

    @Override
    public long restoreFrom(java.io.InputStream in) throws IOException {
        requireRunning("Restore");
        return streamedBackups.restoreFrom(in);
    }

    private void requireRunning(String what) {
        if (!running) {
            throw new RaftException(RaftException.Reason.SHUTDOWN, what + " failed: the Raft node is not running");
        }
    }

    /** Room for the entry's own framing (session, operation, restore id) below the largest entry size. */
    static int restoreChunkSize(int maxEntrySize) {
        return Math.max(512, Math.min(1 << 20, maxEntrySize / 2));
    }

    /** One entry of a restore; package-private for tests that stop a restore half-way. */
    CompletableFuture<Long> restoreStep(OperationId operation, byte[] payload) {
        return execute(operation, payload, "Restore").thenApply(reply -> {
            CommandResult answer = toResult(reply);
            if (answer.result().length > 0) {
                throw new RaftException(RaftException.Reason.INVALID_REQUEST,
                        "Restore failed: " + new String(answer.result(), StandardCharsets.UTF_8));
            }
            return answer.index();
        });
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return CompletableFuture.runAsync(this::close);
    }

    @Override
    public Map<String, Long> replicationMatchIndexes() {
        return EngineMeasurements.matchIndexes(context);
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
    public RaftNode viaLeader() {
        RaftNode current = viaLeader;
        if (current == null) {
            throw new RaftException(RaftException.Reason.SHUTDOWN, "The Raft node has not started");
        }
        return current;
    }

    private MembershipOperations membership() {
        if (!running || membership == null) {
            throw new RaftException(RaftException.Reason.SHUTDOWN, "The Raft node is not running");
        }
        return membership;
    }

    private static <T> CompletableFuture<T> notRunning(String operation) {
        return CompletableFuture.failedFuture(new RaftException(RaftException.Reason.SHUTDOWN,
                operation + " failed: the Raft node is not running"));
    }

    @Override
    public synchronized void close() {
        if (!opened) {
            return;
        }
        opened = false;
        logger.info("Stopping Raft node '{}'", settings.nodeId());
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        // Each step is bounded on its own, so that a node that lost its quorum still stops promptly.
        long step = settings.electionTimeout().multipliedBy(2).toNanos();
        if (running && context.isLeader() && !context.getCluster().getActiveMemberStates().isEmpty()) {
            awaitQuietly(membership.transferLeadership(null), Math.min(deadline, System.nanoTime() + step),
                    "hand over leadership");
        }
        running = false;
        closed = true;
        CompletableFuture<SessionClient> current = session.getAndSet(null);
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            awaitQuietly(current.join().close(), Math.min(deadline, System.nanoTime() + step),
                    "close the client session");
        }
        awaitQuietly(client.close(), Math.min(deadline, System.nanoTime() + step), "close the Raft client");
        awaitQuietly(stopServer(), deadline, "stop the Raft server");
        observer.refresh();
        transport.close();
        notifier.shutdown();
        deleteScratchDirectory();
        logger.info("Raft node '{}' stopped", settings.nodeId());
    }

    /**
     * Atomix's shutdown() refuses a server that has not finished joining (and then leaves its threads running and
     * its timers campaigning), so such a server's Raft context is stopped here directly.
     */
    private CompletableFuture<Void> stopServer() {
        if (server.isRunning()) {
            return server.shutdown();
        }
        CompletableFuture<Void> inactive = new CompletableFuture<>();
        context.getThreadContext().execute(() -> {
            context.transition(RaftServer.Role.INACTIVE);
            inactive.complete(null);
        });
        return inactive.whenCompleteAsync((ignored, error) -> context.close());
    }

    private void awaitQuietly(CompletableFuture<?> future, long deadlineNanos, String what) {
        try {
            future.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            logger.warn("Raft node '{}' could not {} while stopping: {}", settings.nodeId(), what,
                    AtomixErrors.unwrap(ex).toString());
        }
    }

    private void deleteScratchDirectory() {
        if (spool != null) {
            spool.close();
        }
        if (scratchDirectory != null) {
            File[] leftovers = scratchDirectory.listFiles();
            if (leftovers != null) {
                for (File file : leftovers) {
                    if (!file.delete()) {
                        logger.warn("Could not delete {}", file);
                    }
                }
            }
            if (!scratchDirectory.delete()) {
                logger.warn("Could not delete {}", scratchDirectory);
            }
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Our one primitive type, for Atomix's service registry. */
    private record SingleTypeRegistry(PrimitiveType type) implements PrimitiveTypeRegistry {

        @Override
        public Collection<PrimitiveType> getPrimitiveTypes() {
            return List.of(type);
        }

        @Override
        public PrimitiveType getPrimitiveType(String typeName) {
            return type.name().equals(typeName) ? type : null;
        }
    }
}
