package io.github.raftspringboot.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.autoconfigure.actuate.RaftNodeDescriptor.ServerDescriptor;

/**
 * Adds {@code raft} to {@code /actuator/info}: this node's id and address, the cluster members, and the versions of
 * the starter and of the Raft engine.
 */
class RaftInfoContributor implements InfoContributor {

    private final RaftNode node;

    RaftInfoContributor(RaftNode node) {
        this.node = node;
    }

    @Override
    public void contribute(Info.Builder builder) {
        RaftNodeStatus status = node.status();
        Map<String, String> stats = node.stats();
        List<ServerDescriptor> members = status.servers().stream().map(ServerDescriptor::of).toList();
        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("protocol", stats.get("protocol"));
        engine.put("version", stats.get("engine_version"));
        Map<String, Object> raft = new LinkedHashMap<>();
        raft.put("nodeId", status.nodeId());
        raft.put("address", status.address());
        raft.put("members", members);
        raft.put("starterVersion", RaftNode.class.getPackage().getImplementationVersion());
        raft.put("engine", engine);
        builder.withDetail("raft", raft);
    }
}
