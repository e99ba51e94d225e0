package io.github.raftspringboot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

/** How this node connects to its peers ({@code raft.transport.*}); a group of {@link RaftProperties}. */
public class RaftTransportProperties {

    /**
     * Where this node dials a peer instead of the address the peer advertises, by peer id, as {@code host:port}:
     * for a peer behind a NAT, a port forward, a proxy or a tunnel that only this node must use (e.g.
     * {@code raft.transport.dial-overrides.node2=10.1.0.7:32000}; a peer id with a '.' goes in brackets,
     * {@code raft.transport.dial-overrides[node.2]}). The address the cluster records for the peer, and what the
     * other nodes dial, do not change.
     */
    private Map<String, String> dialOverrides = new LinkedHashMap<>();

    public Map<String, String> getDialOverrides() {
        return dialOverrides;
    }

    public void setDialOverrides(Map<String, String> dialOverrides) {
        this.dialOverrides = dialOverrides;
    }
}
