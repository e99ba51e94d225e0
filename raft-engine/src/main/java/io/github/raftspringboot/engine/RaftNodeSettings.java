package io.github.raftspringboot.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.github.raftspringboot.api.RaftPeer;

/**
 * The fully resolved and validated configuration of the local node: every default applied, every value
 * checked. Built from {@code RaftProperties} by {@code RaftNodeSettingsResolver}.
 *
 * @param nodeId            this node's id
 * @param stateDir          the state directory, or {@code null} when storage is in memory
 * @param bindHost          address the peer listener binds to
 * @param bindPort          port the peer listener binds to
 * @param advertiseHost     address other nodes use to reach this node
 * @param advertisePort     port other nodes use to reach this node
 * @param peers             the initial cluster, this node included
 * @param bootstrap         whether to form the initial cluster from {@code peers} when there is no state
 * @param electionTimeout   base election timeout
 * @param heartbeatInterval leader heartbeat interval
 * @param sessionTimeout    client session timeout
 * @param requestTimeout    longest a single request may take
 * @param shutdownTimeout   longest a graceful stop may take
 * @param segmentSize       bytes per log segment: a snapshot follows each full segment below the applied index
 * @param maxEntrySize      largest log entry, in bytes
 * @param strictReconfigCheck whether membership changes must pass the strict reconfiguration check (a new voter
 *                          answers on its Raft port, a quorum of voters stays reachable) unless forced
 * @param dialOverrides     {@code host:port} this node dials instead of a peer's advertised address, by peer id (a NAT,
 *                          a proxy, a tunnel); the address the cluster knows for that peer does not change
 */
public record RaftNodeSettings(String nodeId, Path stateDir, String bindHost, int bindPort, String advertiseHost,
        int advertisePort, List<RaftPeer> peers, boolean bootstrap, Duration electionTimeout,
        Duration heartbeatInterval, Duration sessionTimeout, Duration requestTimeout, Duration shutdownTimeout,
        int segmentSize, int maxEntrySize, boolean strictReconfigCheck, Map<String, String> dialOverrides) {

    public RaftNodeSettings {
        peers = List.copyOf(peers);
        dialOverrides = Map.copyOf(dialOverrides);
    }

    /** Settings without dial overrides: every peer is dialled at its advertised address. */
    public RaftNodeSettings(String nodeId, Path stateDir, String bindHost, int bindPort, String advertiseHost,
            int advertisePort, List<RaftPeer> peers, boolean bootstrap, Duration electionTimeout,
            Duration heartbeatInterval, Duration sessionTimeout, Duration requestTimeout, Duration shutdownTimeout,
            int segmentSize, int maxEntrySize, boolean strictReconfigCheck) {
        this(nodeId, stateDir, bindHost, bindPort, advertiseHost, advertisePort, peers, bootstrap, electionTimeout,
                heartbeatInterval, sessionTimeout, requestTimeout, shutdownTimeout, segmentSize, maxEntrySize,
                strictReconfigCheck, Map.of());
    }

    /** Whether the log and snapshots are kept only in memory. */
    public boolean inMemory() {
        return stateDir == null;
    }

    /** This node's advertised {@code host:port}. */
    public String advertiseAddress() {
        return RaftPeer.formatAddress(advertiseHost, advertisePort);
    }
}
