package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftServerInfo;
import io.github.raftspringboot.api.Suffrage;

/**
 * What {@code GET /actuator/raft} answers: this node's Raft state, its view of the leader and of the cluster
 * configuration, and hashicorp/raft-style statistics.
 *
 * @param nodeId                 this node's id
 * @param address                this node's advertised Raft address
 * @param role                   this node's role
 * @param term                   the current term
 * @param leader                 the leader as this node knows it, or {@code null} when none is known
 * @param commitIndex            the highest log index known to be committed
 * @param appliedIndex           the highest log index applied to this node's state machine
 * @param lastLogIndex           the index of the last entry in this node's log
 * @param lastLogTerm            the term of that entry
 * @param lastSnapshotIndex      the index of the newest snapshot, 0 when none
 * @param lastSnapshotTerm       the term of the newest snapshot, 0 when none
 * @param lastContact            when this node last heard from the leader; {@code null} on the leader or if never
 * @param millisSinceLastContact milliseconds since then: 0 on the leader, {@code null} if never
 * @param configuration          the cluster configuration as this node knows it
 * @param stats                  hashicorp/raft {@code Stats()}-style values
 */
public record RaftNodeDescriptor(String nodeId, String address, RaftRole role, long term,
        @Nullable LeaderDescriptor leader, long commitIndex, long appliedIndex, long lastLogIndex, long lastLogTerm,
        long lastSnapshotIndex, long lastSnapshotTerm, @Nullable Instant lastContact,
        @Nullable Long millisSinceLastContact, ConfigurationDescriptor configuration, Map<String, String> stats) {

    static RaftNodeDescriptor of(RaftNodeStatus status, Map<String, String> stats) {
        return new RaftNodeDescriptor(status.nodeId(), status.address(), status.role(), status.term(),
                LeaderDescriptor.of(status), status.commitIndex(), status.appliedIndex(), status.lastLogIndex(),
                status.lastLogTerm(), status.lastSnapshotIndex(), status.lastSnapshotTerm(), status.lastContact(),
                millisSinceLastContact(status), ConfigurationDescriptor.of(status), stats);
    }

    static @Nullable Long millisSinceLastContact(RaftNodeStatus status) {
        if (status.role() == RaftRole.LEADER) {
            return 0L;
        }
        if (status.lastContact() == null) {
            return null;
        }
        return Math.max(0, Duration.between(status.lastContact(), status.timestamp()).toMillis());
    }

    /**
     * The leader as a node knows it.
     *
     * @param id      the leader's node id
     * @param address its Raft address, or {@code null} if this node does not know it
     * @param local   whether the leader is the node that answered
     */
    public record LeaderDescriptor(String id, @Nullable String address, boolean local) {

        static @Nullable LeaderDescriptor of(RaftNodeStatus status) {
            RaftServerInfo leader = status.leader();
            if (leader == null) {
                return null;
            }
            return new LeaderDescriptor(leader.id(), leader.address(), leader.id().equals(status.nodeId()));
        }
    }

    /**
     * The cluster configuration: the servers and the log index it was written at (the {@code previousIndex} a
     * guarded membership change names).
     *
     * @param index   the log index of this configuration
     * @param servers every server, sorted by id
     */
    public record ConfigurationDescriptor(long index, List<ServerDescriptor> servers) {

        static ConfigurationDescriptor of(RaftNodeStatus status) {
            return new ConfigurationDescriptor(status.configurationIndex(),
                    status.servers().stream().map(ServerDescriptor::of).toList());
        }
    }

    /**
     * One server of the configuration.
     *
     * @param id       its node id
     * @param address  its Raft address, or {@code null} if this node does not know it
     * @param suffrage {@code VOTER}, {@code NONVOTER} or {@code STAGING}
     * @param voter    whether it votes
     */
    public record ServerDescriptor(String id, @Nullable String address, Suffrage suffrage, boolean voter) {

        static ServerDescriptor of(RaftServerInfo server) {
            return new ServerDescriptor(server.id(), server.address(), server.suffrage(),
                    server.suffrage() == Suffrage.VOTER);
        }
    }
}
