package io.github.raftspringboot.autoconfigure;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;

import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.api.RaftPeerAddress;

/**
 * Applies the defaults of the Raft Starter seed to {@link RaftProperties} and checks every value, so that a
 * misconfigured node fails at start-up with a message naming the property.
 */
final class RaftNodeSettingsResolver {

    private static final Logger logger = LoggerFactory.getLogger(RaftNodeSettingsResolver.class);

    private RaftNodeSettingsResolver() {
    }

    /**
     * The heap a node needs per byte of {@code raft.limits.max-entry-size}: Atomix opens the log's reader on a
     * segment (at start, at every segment roll-over, once per reader) with a buffer of twice the largest entry, and an
     * entry is held whole while it is written and sent.
     */
    static final int HEAP_PER_ENTRY_BYTE = 4;

    static RaftNodeSettings resolve(RaftProperties properties) {
        return resolve(properties, Runtime.getRuntime().maxMemory());
    }

    /** {@code maxHeapBytes}: this JVM's maximum heap ({@link Runtime#maxMemory()}), which the largest entry must fit. */
    static RaftNodeSettings resolve(RaftProperties properties, long maxHeapBytes) {
        String nodeId = nodeId(properties);
        int port = port("raft.port", properties.getPort());
        int advertisePort = (properties.getAdvertisePort() != null)
                ? port("raft.advertise-port", properties.getAdvertisePort()) : port;
        String advertiseHost = hasText(properties.getAdvertiseAddress()) ? properties.getAdvertiseAddress().trim()
                : hostIpv4Address();
        String bindHost = hasText(properties.getBindAddress()) ? properties.getBindAddress().trim() : "0.0.0.0";
        List<RaftPeer> peers = peers(properties, nodeId, advertiseHost, advertisePort);
        Path stateDir = (properties.getStorage() == RaftProperties.StorageMode.MEMORY) ? null : stateDir(properties, nodeId);
        Duration election = positive("raft.election-timeout", properties.getElectionTimeout());
        Duration heartbeat = positive("raft.heartbeat-interval", properties.getHeartbeatInterval());
        if (heartbeat.multipliedBy(2).compareTo(election) > 0) {
            throw new InvalidRaftPropertyException("raft.heartbeat-interval", heartbeat,
                    "it must be at most half of raft.election-timeout (" + election + ")",
                    "Lower raft.heartbeat-interval or raise raft.election-timeout; e.g. 100ms and 500ms (the defaults).");
        }
        long maxEntry = properties.getLimits().getMaxEntrySize().toBytes();
        if (maxEntry < 1024 || maxEntry > 512L * 1024 * 1024) {
            throw new InvalidRaftPropertyException("raft.limits.max-entry-size", properties.getLimits().getMaxEntrySize(),
                    "it must be between 1KB and 512MB", "Set raft.limits.max-entry-size to e.g. 4MB.");
        }
        checkHeapFits(properties.getLimits().getMaxEntrySize(), maxHeapBytes);
        long segmentSize = properties.getSnapshot().getSegmentSize().toBytes();
        if (segmentSize <= maxEntry || segmentSize > Integer.MAX_VALUE - 1024) {
            throw new InvalidRaftPropertyException("raft.snapshot.segment-size", properties.getSnapshot().getSegmentSize(),
                    "it must be larger than raft.limits.max-entry-size (" + properties.getLimits().getMaxEntrySize()
                            + ") and below 2GB",
                    "Raise raft.snapshot.segment-size (default 32MB) or lower raft.limits.max-entry-size.");
        }
        return new RaftNodeSettings(nodeId, stateDir, bindHost, port, advertiseHost, advertisePort, peers,
                properties.isBootstrap(), election, heartbeat,
                positive("raft.session-timeout", properties.getSessionTimeout()),
                positive("raft.request-timeout", properties.getRequestTimeout()),
                positive("raft.shutdown-timeout", properties.getShutdownTimeout()), (int) segmentSize, (int) maxEntry,
                properties.getMembership().isStrictReconfigCheck(), dialOverrides(properties, nodeId));
    }

    /**
     * Fails when {@code raft.limits.max-entry-size} cannot fit this JVM's heap: without the check the node stopped
     * its start with an {@code OutOfMemoryError} (a 100MB limit in a 192MB heap), or, with a little more heap, failed
     * later at a segment roll-over or with the first large entry.
     */
    private static void checkHeapFits(DataSize maxEntrySize, long maxHeapBytes) {
        long needed = maxEntrySize.toBytes() * HEAP_PER_ENTRY_BYTE;
        if (maxHeapBytes == Long.MAX_VALUE || needed <= maxHeapBytes) {
            return;
        }
        // A collector reports a little less than -Xmx as the maximum heap (G1: a survivor region less): an eighth more.
        long suggestedXmx = ((needed + needed / 8) + (1 << 20) - 1) >> 20;
        throw new InvalidRaftPropertyException("raft.limits.max-entry-size", size(maxEntrySize.toBytes()),
                "a node needs about " + HEAP_PER_ENTRY_BYTE + " times the largest entry in heap (" + megabytes(needed)
                        + "), and this JVM's maximum heap is " + megabytes(maxHeapBytes)
                        + ": each of the log's readers opens a segment with a buffer of twice the largest entry, and an "
                        + "entry is held whole while it is written and sent",
                "Lower raft.limits.max-entry-size to at most " + megabytes(maxHeapBytes / HEAP_PER_ENTRY_BYTE)
                        + " (the default is 4MB), or give the JVM more heap, e.g. -Xmx" + suggestedXmx + "m.");
    }

    private static String megabytes(long bytes) {
        return (bytes >> 20) + "MB";
    }

    /** As the property would be written: 64MB, 512KB, or bytes. */
    private static String size(long bytes) {
        if (bytes % (1 << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        return (bytes % 1024 == 0) ? (bytes >> 10) + "KB" : bytes + "B";
    }

    /** {@code raft.transport.dial-overrides}: a valid node id other than this one, to a valid {@code host:port}. */
    private static Map<String, String> dialOverrides(RaftProperties properties, String nodeId) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : properties.getTransport().getDialOverrides().entrySet()) {
            String property = "raft.transport.dial-overrides." + entry.getKey();
            try {
                String id = RaftPeerAddress.checkNodeId(entry.getKey(), property + " peer id");
                if (id.equals(nodeId)) {
                    throw new IllegalArgumentException("it names this node ('" + nodeId
                            + "'), which never dials itself");
                }
                overrides.put(id, RaftPeerAddress.parse(entry.getValue(), property).address());
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidRaftPropertyException(property, entry.getValue(), ex.getMessage(),
                        "Map a peer's id to the host:port this node should dial it at, e.g. "
                                + "raft.transport.dial-overrides.node2=10.1.0.7:32000, or remove the entry.");
            }
        }
        return overrides;
    }

    private static String nodeId(RaftProperties properties) {
        String id = hasText(properties.getNodeId()) ? properties.getNodeId().trim() : hostName();
        try {
            return RaftPeerAddress.checkNodeId(id, "raft.node-id");
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidRaftPropertyException("raft.node-id", id, ex.getMessage(),
                    "Set raft.node-id (RAFT_NODE_ID or NODE_ID) to a name such as 'node1'.");
        }
    }

    private static List<RaftPeer> peers(RaftProperties properties, String nodeId, String advertiseHost,
            int advertisePort) {
        List<String> entries = new ArrayList<>();
        for (String value : properties.getPeers()) {
            for (String entry : value.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.trim());
                }
            }
        }
        if (entries.isEmpty()) {
            return List.of(new RaftPeer(nodeId, advertiseHost, advertisePort));
        }
        List<RaftPeer> peers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String entry : entries) {
            RaftPeer peer;
            try {
                peer = RaftPeerAddress.parsePeer(entry, "raft.peers entry");
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidRaftPropertyException("raft.peers", String.join(",", entries), ex.getMessage(),
                        "Write raft.peers (RAFT_PEERS or PEERS) as id@host:port entries separated by commas, e.g. "
                                + "node1@10.0.0.1:12000,node2@10.0.0.2:12000,node3@10.0.0.3:12000.");
            }
            if (!ids.add(peer.id())) {
                throw new InvalidRaftPropertyException("raft.peers", String.join(",", entries),
                        "node id '" + peer.id() + "' appears more than once",
                        "Give every node in raft.peers a distinct id.");
            }
            peers.add(peer);
        }
        if (!ids.contains(nodeId)) {
            throw new InvalidRaftPropertyException("raft.peers", String.join(",", entries),
                    "it does not contain this node's id '" + nodeId + "'",
                    "Add " + nodeId + "@" + RaftPeer.formatAddress(advertiseHost, advertisePort)
                            + " to raft.peers, or set raft.node-id to the id this node has in raft.peers. "
                            + "A node that is to be added to a running cluster later uses raft.bootstrap=false.");
        }
        peers.stream()
            .filter(peer -> peer.id().equals(nodeId) && peer.port() != advertisePort)
            .findFirst()
            .ifPresent(peer -> logger.warn("raft.peers lists this node ('{}') with port {}, but it advertises port {}",
                    nodeId, peer.port(), advertisePort));
        return peers;
    }

    private static Path stateDir(RaftProperties properties, String nodeId) {
        String dir = hasText(properties.getStateDir()) ? properties.getStateDir().trim()
                : Path.of(System.getProperty("java.io.tmpdir"), nodeId).toString();
        try {
            return Path.of(dir).toAbsolutePath();
        }
        catch (RuntimeException ex) {
            throw new InvalidRaftPropertyException("raft.state-dir", dir, "it is not a valid path (" + ex.getMessage() + ")",
                    "Set raft.state-dir (STATE_DIR) to a directory path.");
        }
    }

    private static int port(String property, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidRaftPropertyException(property, port, "a port must be between 1 and 65535",
                    "Set " + property + " to a free port, e.g. 12000.");
        }
        return port;
    }

    private static Duration positive(String property, Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new InvalidRaftPropertyException(property, duration, "it must be a positive duration",
                    "Set " + property + " to a positive duration such as 500ms or 10s.");
        }
        return duration;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            String fromEnvironment = System.getenv("HOSTNAME");
            if (hasText(fromEnvironment)) {
                return fromEnvironment;
            }
            throw new InvalidRaftPropertyException("raft.node-id", null,
                    "it is not set and the host name cannot be determined (" + ex.getMessage() + ")",
                    "Set raft.node-id (RAFT_NODE_ID or NODE_ID).");
        }
    }

    /** The IPv4 address the host name resolves to, as the seed does; loopback when there is none. */
    private static String hostIpv4Address() {
        try {
            for (InetAddress address : InetAddress.getAllByName(InetAddress.getLocalHost().getHostName())) {
                if (address instanceof Inet4Address) {
                    return address.getHostAddress();
                }
            }
        }
        catch (UnknownHostException ex) {
            logger.warn("Cannot resolve the host name ({}); advertising 127.0.0.1. Set raft.advertise-address.",
                    ex.getMessage());
        }
        return "127.0.0.1";
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
