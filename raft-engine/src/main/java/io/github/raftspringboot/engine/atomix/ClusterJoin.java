package io.github.raftspringboot.engine.atomix;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

import io.atomix.cluster.MemberId;
import io.atomix.primitive.operation.OperationId;
import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.DefaultRaftServer;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.storage.system.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * How a started node takes part in the cluster: it bootstraps with {@code raft.peers}, rejoins with its stored
 * configuration, or waits to be added by the leader; and, once leader, records the member addresses it knows for
 * nodes that join later.
 */
final class ClusterJoin {

    private static final Logger logger = LoggerFactory.getLogger(ClusterJoin.class);

    private final RaftContext context;

    private final DefaultRaftServer server;

    private final RaftNodeSettings settings;

    private final PeerDirectory directory;

    private final BiFunction<OperationId, byte[], CompletableFuture<Long>> submitSystem;

    private final FirstElectionOrder firstElection;

    ClusterJoin(RaftContext context, DefaultRaftServer server, RaftNodeSettings settings, PeerDirectory directory,
            BiFunction<OperationId, byte[], CompletableFuture<Long>> submitSystem, FirstElectionOrder firstElection) {
        this.context = context;
        this.server = server;
        this.settings = settings;
        this.directory = directory;
        this.submitSystem = submitSystem;
        this.firstElection = firstElection;
    }

    /** @param running whether the node still runs (a late failure to join is then worth a warning) */
    void join(BooleanSupplier running) {
        Configuration stored = context.getMetaStore().loadConfiguration();
        boolean member = stored != null && !stored.members().isEmpty();
        if (member && settings.bootstrap()) {
            StartupFailures.refuseStateOfAnotherCluster(stored, settings);
        }
        if (!member && !settings.bootstrap()) {
            if (stored == null) {
                // Atomix reloads the stored configuration when a leader first contacts an inactive node; give it
                // an empty one to load until the leader's configuration arrives.
                context.getMetaStore().storeConfiguration(new Configuration(0, 0, System.currentTimeMillis(),
                        new ArrayList<>()));
            }
            logger.info("Raft node '{}' has no cluster state and raft.bootstrap=false: waiting to be added to a "
                    + "cluster (AddVoter/AddNonvoter on the leader)", settings.nodeId());
            return;
        }
        server.bootstrap(memberIds(settings)).whenComplete((result, error) -> {
            if (error != null && running.getAsBoolean()) {
                logger.warn("Raft node '{}' could not complete joining the cluster: {}", settings.nodeId(),
                        error.toString());
            }
        });
        // Queued on the Raft thread behind the bootstrap's own step, which makes the node a follower.
        startFirstElectionSooner();
    }

    /**
     * Atomix lets a starting node wait out a whole election timer (1-2 × the election timeout, 0.5-1 s by default)
     * as a follower before its first election. A node that is its cluster's only voter has a majority with its own
     * vote, so it starts its election now, as the timer would have; a node with other voters polls them a moment
     * after it starts ({@link EarlyFirstPoll}).
     */
    private void startFirstElectionSooner() {
        context.getThreadContext().execute(() -> {
            if (context.getRole() != RaftServer.Role.FOLLOWER || context.getLeader() != null
                    || context.getCluster().getMember().getType() != RaftMember.Type.ACTIVE) {
                return;
            }
            if (context.getCluster().getActiveMemberStates().isEmpty()) {
                logger.info("Raft node '{}' is the only voting member of its cluster: it leads without waiting "
                        + "for an election timeout", settings.nodeId());
                context.transition(RaftServer.Role.CANDIDATE);
            }
            else {
                EarlyFirstPoll.schedule(context, settings.nodeId(), settings.electionTimeout(), firstElection);
            }
        });
    }

    /** A new leader records every member address it knows in the log, for nodes that join later. */
    void registerKnownAddresses() {
        StringBuilder records = new StringBuilder();
        directory.snapshot().forEach((id, address) -> records.append(id).append('\n').append(address).append('\n'));
        submitSystem.apply(StateMachineService.REGISTER_ADDRESS, AtomixRaftEngine.utf8(records.toString()))
            .whenComplete((index, error) -> {
                if (error != null) {
                    logger.debug("Could not record member addresses: {}", error.toString());
                }
            });
    }

    static List<MemberId> memberIds(RaftNodeSettings settings) {
        return settings.peers().stream().map(peer -> MemberId.from(peer.id())).toList();
    }
}
