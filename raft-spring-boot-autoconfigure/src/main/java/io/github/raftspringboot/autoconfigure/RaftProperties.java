package io.github.raftspringboot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration of the local Raft node ({@code raft.*}). Every property has a default, so a one-node cluster
 * starts with no configuration at all. The names mirror the environment variables of the Raft Starter seed:
 * {@code RAFT_NODE_ID}, {@code RAFT_PEERS}, ... work through Spring's relaxed binding.
 */
@ConfigurationProperties("raft")
public class RaftProperties {

    /** Whether to start a Raft node in this application. */
    private boolean enabled = true;

    /** This node's id, unique in the cluster. Defaults to the host name. */
    private String nodeId;

    /**
     * Directory holding this node's log, snapshots and metadata. Defaults to
     * {@code <java.io.tmpdir>/<node-id>}. Unused with {@code raft.storage=memory}.
     */
    private String stateDir;

    /** Where the log and snapshots live: on disk (durable, fsync'd on commit) or only in memory. */
    private StorageMode storage = StorageMode.DISK;

    /** Address the Raft peer-to-peer listener binds to. */
    private String bindAddress = "0.0.0.0";

    /** Port of the Raft peer-to-peer listener. */
    private int port = 12000;

    /** Address other nodes use to reach this one. Defaults to the IPv4 address the host name resolves to. */
    private String advertiseAddress;

    /** Port other nodes use to reach this one. Defaults to {@code raft.port}. */
    private Integer advertisePort;

    /**
     * The initial cluster, as {@code id@host:port} entries (a comma-separated string works too). Defaults to
     * this node alone, i.e. a one-node cluster.
     */
    private List<String> peers = new ArrayList<>();

    /**
     * Whether this node forms the initial cluster from {@code raft.peers} when its state directory is empty.
     * Set to {@code false} on a node that is to be added to a running cluster later (AddVoter/AddNonvoter on
     * the leader): it then starts empty and waits. A node with existing state ignores this setting.
     */
    private boolean bootstrap = true;

    /**
     * Base election timeout: a follower that hears nothing from a leader for this long (randomised up to
     * 1.5 times as long) polls the others, then starts an election. 500ms keeps a kill -9 of the leader to the next
     * acknowledged write under 1.5 s (docs/reliability.md); the pre-vote's leader stickiness keeps one slow
     * follower from deposing a healthy leader.
     */
    private Duration electionTimeout = Duration.ofMillis(500);

    /** How often the leader sends heartbeats to followers. At most half the election timeout. */
    private Duration heartbeatInterval = Duration.ofMillis(100);

    /** How long a client session of this node survives without keep-alives before the cluster expires it. */
    private Duration sessionTimeout = Duration.ofSeconds(10);

    /** The longest a store call or cluster operation may take before it fails with a timeout. */
    private Duration requestTimeout = Duration.ofSeconds(10);

    /** How long a graceful stop waits for in-flight operations and a leadership hand-over. */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    // The groups are top-level classes; @NestedConfigurationProperty makes the metadata processor describe them
    // under raft.<group>.* as it did when they were nested here.
    @NestedConfigurationProperty
    private final RaftSnapshotProperties snapshot = new RaftSnapshotProperties();

    @NestedConfigurationProperty
    private final RaftTlsProperties tls = new RaftTlsProperties();

    @NestedConfigurationProperty
    private final RaftLimitsProperties limits = new RaftLimitsProperties();

    @NestedConfigurationProperty
    private final RaftMembershipProperties membership = new RaftMembershipProperties();

    @NestedConfigurationProperty
    private final RaftTransportProperties transport = new RaftTransportProperties();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public String getStateDir() {
        return stateDir;
    }

    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    public StorageMode getStorage() {
        return storage;
    }

    public void setStorage(StorageMode storage) {
        this.storage = storage;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getAdvertiseAddress() {
        return advertiseAddress;
    }

    public void setAdvertiseAddress(String advertiseAddress) {
        this.advertiseAddress = advertiseAddress;
    }

    public Integer getAdvertisePort() {
        return advertisePort;
    }

    public void setAdvertisePort(Integer advertisePort) {
        this.advertisePort = advertisePort;
    }

    public List<String> getPeers() {
        return peers;
    }

    public void setPeers(List<String> peers) {
        this.peers = peers;
    }

    public boolean isBootstrap() {
        return bootstrap;
    }

    public void setBootstrap(boolean bootstrap) {
        this.bootstrap = bootstrap;
    }

    public Duration getElectionTimeout() {
        return electionTimeout;
    }

    public void setElectionTimeout(Duration electionTimeout) {
        this.electionTimeout = electionTimeout;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    public void setSessionTimeout(Duration sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public RaftSnapshotProperties getSnapshot() {
        return snapshot;
    }

    public RaftTlsProperties getTls() {
        return tls;
    }

    public RaftMembershipProperties getMembership() {
        return membership;
    }

    public RaftTransportProperties getTransport() {
        return transport;
    }

    public RaftLimitsProperties getLimits() {
        return limits;
    }

    /** Where the Raft log and snapshots are kept. */
    public enum StorageMode {
        /** Log, snapshots and metadata on disk in {@code raft.state-dir}; survives restarts. */
        DISK,
        /** Everything in memory: faster, but a restarted node starts empty and must catch up from peers. */
        MEMORY
    }
}
