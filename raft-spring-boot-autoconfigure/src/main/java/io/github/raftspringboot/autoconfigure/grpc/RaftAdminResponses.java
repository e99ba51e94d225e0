package io.github.raftspringboot.autoconfigure.grpc;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.raftspringboot.admin.proto.GetConfigurationResponse;
import io.github.raftspringboot.admin.proto.LastContactResponse;
import io.github.raftspringboot.admin.proto.LeaderResponse;
import io.github.raftspringboot.admin.proto.StateResponse;
import io.github.raftspringboot.admin.proto.StatsResponse;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftServerInfo;

/**
 * RaftAdmin's read-only answers (GetConfiguration, LastContact, Leader, State, Stats), built from the local
 * node's status in hashicorp/raft's terms; the counterpart of {@link RaftAdminRequests}.
 */
final class RaftAdminResponses {

    private RaftAdminResponses() {
    }

    static GetConfigurationResponse configuration(RaftNodeStatus status) {
        GetConfigurationResponse.Builder configuration = GetConfigurationResponse.newBuilder();
        for (RaftServerInfo server : status.servers()) {
            configuration.addServers(GetConfigurationResponse.Server.newBuilder()
                .setId(server.id())
                .setAddress(server.address())
                .setSuffrage(suffrage(server)));
        }
        return configuration.build();
    }

    static LastContactResponse lastContact(RaftNodeStatus status) {
        Instant lastContact = status.lastContact();
        long unixNanos = (lastContact != null)
                ? Math.addExact(Math.multiplyExact(lastContact.getEpochSecond(), 1_000_000_000L), lastContact.getNano())
                : 0;
        return LastContactResponse.newBuilder().setUnixNano(unixNanos).build();
    }

    static LeaderResponse leader(RaftNodeStatus status) {
        RaftServerInfo leader = status.leader();
        return LeaderResponse.newBuilder().setAddress((leader != null) ? leader.address() : "").build();
    }

    static StateResponse state(RaftNodeStatus status) {
        return StateResponse.newBuilder().setState(stateOf(status)).build();
    }

    static StatsResponse stats(RaftNode node) {
        Map<String, String> stats = new LinkedHashMap<>(node.stats());
        // Not in hashicorp/raft's Stats: which node answered, so that a table of several nodes can name them.
        stats.putIfAbsent("node_id", node.nodeId());
        stats.putIfAbsent("raft_address", node.status().address());
        return StatsResponse.newBuilder().putAllStats(stats).build();
    }

    private static GetConfigurationResponse.Server.Suffrage suffrage(RaftServerInfo server) {
        return switch (server.suffrage()) {
            case VOTER -> GetConfigurationResponse.Server.Suffrage.VOTER;
            case NONVOTER -> GetConfigurationResponse.Server.Suffrage.NONVOTER;
            case STAGING -> GetConfigurationResponse.Server.Suffrage.STAGING;
        };
    }

    /** hashicorp/raft has no separate non-voter or inactive state: such nodes are followers. */
    private static StateResponse.State stateOf(RaftNodeStatus status) {
        return switch (status.role()) {
            case LEADER -> StateResponse.State.LEADER;
            case CANDIDATE -> StateResponse.State.CANDIDATE;
            case SHUTDOWN -> StateResponse.State.SHUTDOWN;
            case FOLLOWER, NON_VOTER, INACTIVE -> StateResponse.State.FOLLOWER;
        };
    }
}
