package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import io.atomix.protocols.raft.RaftServer;
import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.storage.log.entry.RaftLogEntry;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import io.atomix.protocols.raft.storage.system.Configuration;
import io.atomix.storage.journal.Indexed;

import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;
import io.github.raftspringboot.engine.RaftNodeSettings;

/**
 * Reads the node's Raft state without a network call. Values are read while the Raft thread may be changing
 * them: each is current, together they are consistent to within one step.
 */
final class NodeStatusReader {

    private final RaftContext context;

    private final PeerDirectory directory;

    private final RaftNodeSettings settings;

    private final LongSupplier lastContactMillis;

    private volatile long[] snapshotSeen = { 0, 0 };

    NodeStatusReader(RaftContext context, PeerDirectory directory, RaftNodeSettings settings,
            LongSupplier lastContactMillis) {
        this.context = context;
        this.directory = directory;
        this.settings = settings;
        this.lastContactMillis = lastContactMillis;
    }

    static RaftNodeStatus notStarted(RaftNodeSettings settings) {
        return new RaftNodeStatus(settings.nodeId(), settings.advertiseAddress(), RaftRole.SHUTDOWN, 0, null, 0, 0, 0,
                0, 0, 0, null, 0, List.of(), Instant.now());
    }

    RaftNodeStatus status(boolean running) {
        RaftRole role = running ? roleOf(context.getRole()) : RaftRole.SHUTDOWN;
        RaftMember leaderMember = context.getLeader();
        RaftServerInfo leader = (leaderMember != null) ? new RaftServerInfo(leaderMember.memberId().id(),
                directory.addressOf(leaderMember.memberId().id()), Suffrage.VOTER) : null;
        Indexed<RaftLogEntry> lastEntry = context.getLogWriter().getLastEntry();
        long[] snapshot = snapshot();
        long contact = lastContactMillis.getAsLong();
        Instant lastContact = (role == RaftRole.LEADER || contact == 0) ? null : Instant.ofEpochMilli(contact);
        Configuration configuration = context.getCluster().getConfiguration();
        return new RaftNodeStatus(settings.nodeId(), settings.advertiseAddress(), role, context.getTerm(), leader,
                context.getCommitIndex(), context.getLastApplied(), context.getLogWriter().getLastIndex(),
                (lastEntry != null) ? lastEntry.entry().term() : 0, snapshot[0], snapshot[1], lastContact,
                (configuration != null) ? configuration.index() : 0, servers(configuration), Instant.now());
    }

    /** hashicorp/raft's {@code Stats()} keys, with values in its formats. */
    Map<String, String> stats(boolean running) {
        RaftNodeStatus status = status(running);
        Map<String, String> stats = new LinkedHashMap<>();
        stats.put("state", hashicorpState(status.role()));
        stats.put("term", Long.toString(status.term()));
        stats.put("last_log_index", Long.toString(status.lastLogIndex()));
        stats.put("last_log_term", Long.toString(status.lastLogTerm()));
        stats.put("commit_index", Long.toString(status.commitIndex()));
        stats.put("applied_index", Long.toString(status.appliedIndex()));
        stats.put("fsm_pending", Long.toString(Math.max(0, status.commitIndex() - status.appliedIndex())));
        stats.put("last_snapshot_index", Long.toString(status.lastSnapshotIndex()));
        stats.put("last_snapshot_term", Long.toString(status.lastSnapshotTerm()));
        stats.put("latest_configuration", status.servers()
            .stream()
            .map(server -> "{Suffrage:" + capitalize(server.suffrage().name()) + " ID:" + server.id() + " Address:"
                    + server.address() + "}")
            .collect(Collectors.joining(" ", "[", "]")));
        stats.put("latest_configuration_index", Long.toString(status.configurationIndex()));
        stats.put("last_contact", lastContact(status));
        long voters = status.servers().stream().filter(server -> server.suffrage() == Suffrage.VOTER).count();
        boolean selfVoter = status.servers()
            .stream()
            .anyMatch(server -> server.id().equals(status.nodeId()) && server.suffrage() == Suffrage.VOTER);
        stats.put("num_peers", Long.toString(Math.max(0, voters - (selfVoter ? 1 : 0))));
        stats.put("protocol", "atomix-raft-3");
        return stats;
    }

    private static String lastContact(RaftNodeStatus status) {
        if (status.role() == RaftRole.LEADER) {
            return "0";
        }
        if (status.lastContact() == null) {
            return "never";
        }
        Duration since = Duration.between(status.lastContact(), status.timestamp());
        return since.toMillis() + "ms";
    }

    private long[] snapshot() {
        Snapshot current = context.getSnapshotStore().getCurrentSnapshot();
        long index = (current != null) ? current.index() : 0;
        long[] seen = snapshotSeen;
        if (seen[0] != index) {
            // Atomix does not record a snapshot's term: use the term in effect when the snapshot was first seen.
            seen = new long[] { index, (index == 0) ? 0 : context.getTerm() };
            snapshotSeen = seen;
        }
        return seen;
    }

    private List<RaftServerInfo> servers(Configuration configuration) {
        if (configuration == null) {
            return List.of();
        }
        List<RaftServerInfo> servers = new ArrayList<>();
        for (RaftMember member : configuration.members()) {
            String id = member.memberId().id();
            servers.add(new RaftServerInfo(id, directory.addressOf(id), suffrage(member.getType())));
        }
        servers.sort(Comparator.comparing(RaftServerInfo::id));
        return List.copyOf(servers);
    }

    static Suffrage suffrage(RaftMember.Type type) {
        return switch (type) {
            case ACTIVE -> Suffrage.VOTER;
            case PROMOTABLE -> Suffrage.STAGING;
            default -> Suffrage.NONVOTER;
        };
    }

    static RaftRole roleOf(RaftServer.Role role) {
        return switch (role) {
            case LEADER -> RaftRole.LEADER;
            case FOLLOWER -> RaftRole.FOLLOWER;
            case CANDIDATE -> RaftRole.CANDIDATE;
            case PASSIVE, PROMOTABLE -> RaftRole.NON_VOTER;
            case INACTIVE -> RaftRole.INACTIVE;
        };
    }

    private static String hashicorpState(RaftRole role) {
        return switch (role) {
            case LEADER -> "Leader";
            case CANDIDATE -> "Candidate";
            case SHUTDOWN -> "Shutdown";
            default -> "Follower";
        };
    }

    private static String capitalize(String name) {
        return name.charAt(0) + name.substring(1).toLowerCase();
    }
}
