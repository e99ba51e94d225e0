package io.github.raftspringboot.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftServerInfo;

/** Adds {@code raft} to {@code /actuator/info}: this node, the cluster's members and the consensus engine. */
public class RaftInfoContributor implements InfoContributor {

    /** The library that runs the Raft protocol. */
    static final String ENGINE = "atomix-raft 3.1.12";

    private final RaftNode node;

    public RaftInfoContributor(RaftNode node) {
        this.node = node;
    }

    @Override
    public void contribute(Info.Builder builder) {
        RaftNodeStatus status = node.status();
        Map<String, Object> raft = new LinkedHashMap<>();
        raft.put("nodeId", status.nodeId());
        raft.put("address", status.address());
        raft.put("engine", ENGINE);
        Map<String, String> members = new LinkedHashMap<>();
        for (RaftServerInfo server : status.servers()) {
            members.put(server.id(), server.suffrage().name());
        }
        raft.put("members", members);
        builder.withDetail("raft", raft);
    }
}
