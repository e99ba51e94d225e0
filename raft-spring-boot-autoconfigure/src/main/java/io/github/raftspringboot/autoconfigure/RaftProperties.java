package io.github.raftspringboot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

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

    private final Snapshot snapshot = new Snapshot();

    private final Tls tls = new Tls();

    private final Limits limits = new Limits();

    private final Membership membership = new Membership();

    private final Transport transport = new Transport();

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

    public Snapshot getSnapshot() {
        return snapshot;
    }

    public Tls getTls() {
        return tls;
    }

    public Membership getMembership() {
        return membership;
    }

    public Transport getTransport() {
        return transport;
    }

    public Limits getLimits() {
        return limits;
    }

    /** Where the Raft log and snapshots are kept. */
    public enum StorageMode {
        /** Log, snapshots and metadata on disk in {@code raft.state-dir}; survives restarts. */
        DISK,
        /** Everything in memory: faster, but a restarted node starts empty and must catch up from peers. */
        MEMORY
    }

    /** Mutual TLS between nodes on the Raft peer port ({@code raft.tls.*}). */
    public static class Tls {

        /**
         * Name of a Spring Boot SSL bundle ({@code spring.ssl.bundle.pem.<name>.*} or {@code .jks.<name>.*}) with
         * this node's certificate and key and the CA certificates of the cluster. Set on every node: each then
         * presents its certificate and accepts only peers whose certificate chains to the bundle's trust material.
         * Unset: the peer port is plaintext and unauthenticated.
         */
        private String bundle;

        /**
         * Whether a peer's certificate must also name (as a subject alternative name) the host this node calls it
         * at, as HTTPS checks a server; otherwise any certificate from a trusted CA is accepted.
         */
        private boolean verifyPeerIdentity = false;

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }

        public boolean isVerifyPeerIdentity() {
            return verifyPeerIdentity;
        }

        public void setVerifyPeerIdentity(boolean verifyPeerIdentity) {
            this.verifyPeerIdentity = verifyPeerIdentity;
        }
    }

    /** Automatic snapshots and log compaction. */
    public static class Snapshot {

        /**
         * Size of one log segment file. Once a whole segment lies below the applied index, the node takes a snapshot
         * (checked every 10 seconds, deferred while the node is under high load unless disk or memory runs short)
         * and deletes the segment. Smaller segments mean more frequent snapshots and less disk. Must be larger than
         * raft.limits.max-entry-size.
         */
        private DataSize segmentSize = DataSize.ofMegabytes(32);

        public DataSize getSegmentSize() {
            return segmentSize;
        }

        public void setSegmentSize(DataSize segmentSize) {
            this.segmentSize = segmentSize;
        }
    }

    /** Limits on what a store request may carry; larger requests are refused before they reach the log. */
    public static class Limits {

        /** Longest key, in UTF-8 bytes. */
        private DataSize maxKeySize = DataSize.ofBytes(1024);

        /** Largest value, as serialised JSON in UTF-8 bytes. */
        private DataSize maxValueSize = DataSize.ofMegabytes(1);

        /** Largest single log entry (a whole multi-key put included). */
        private DataSize maxEntrySize = DataSize.ofMegabytes(4);

        /**
         * How many recent changes the store keeps for watches that start from a past revision (whole revisions are
         * dropped, oldest first; it is part of every snapshot).
         */
        private int watchHistory = 10_000;

        /** The most the watch history may weigh (about the JSON size of its changes); the oldest revisions go first. */
        private DataSize watchHistorySize = DataSize.ofMegabytes(64);

        public DataSize getWatchHistorySize() {
            return watchHistorySize;
        }

        public void setWatchHistorySize(DataSize watchHistorySize) {
            this.watchHistorySize = watchHistorySize;
        }

        public int getWatchHistory() {
            return watchHistory;
        }

        public void setWatchHistory(int watchHistory) {
            this.watchHistory = watchHistory;
        }

        public DataSize getMaxKeySize() {
            return maxKeySize;
        }

        public void setMaxKeySize(DataSize maxKeySize) {
            this.maxKeySize = maxKeySize;
        }

        public DataSize getMaxValueSize() {
            return maxValueSize;
        }

        public void setMaxValueSize(DataSize maxValueSize) {
            this.maxValueSize = maxValueSize;
        }

        public DataSize getMaxEntrySize() {
            return maxEntrySize;
        }

        public void setMaxEntrySize(DataSize maxEntrySize) {
            this.maxEntrySize = maxEntrySize;
        }
    }

    /** Checks on membership changes (AddVoter, AddNonvoter, DemoteVoter, RemoveServer). */
    public static class Membership {

        /**
         * Whether the leader refuses a membership change that could cost the cluster its quorum (as etcd's
         * --strict-reconfig-check): a voter that is added, promoted or moved must answer on its Raft port, and a
         * quorum of the voters after the change must have answered the leader recently. A request can still
         * override it with force.
         */
        private boolean strictReconfigCheck = true;

        public boolean isStrictReconfigCheck() {
            return strictReconfigCheck;
        }

        public void setStrictReconfigCheck(boolean strictReconfigCheck) {
            this.strictReconfigCheck = strictReconfigCheck;
        }
    }

    /** How this node connects to its peers. */
    public static class Transport {

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
}
