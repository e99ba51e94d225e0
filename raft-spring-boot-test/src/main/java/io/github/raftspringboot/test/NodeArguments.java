package io.github.raftspringboot.test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.WebApplicationType;

/**
 * The command-line arguments one node of a {@link RaftTestCluster} starts with: its id, loopback Raft port, the
 * cluster's peers and its state directory; loopback servers on free ports; the test timings; the proxies of the
 * network; then the builder's properties, the node's own, and the caller's overrides, each winning over the ones
 * before.
 */
final class NodeArguments {

    private NodeArguments() {
    }

    /**
     * @param network the proxies between the nodes, or {@code null} without {@code withNetworkFaults()}
     */
    static String[] of(RaftTestClusterBuilder settings, String id, int raftPort, String peers, Path stateDir,
            ClusterNetwork network, Map<String, ?> overrides) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("raft.node-id", id);
        properties.put("raft.port", raftPort);
        properties.put("raft.bind-address", "127.0.0.1");
        properties.put("raft.advertise-address", "127.0.0.1");
        properties.put("raft.peers", peers);
        properties.put("raft.state-dir", stateDir.toString());
        if (settings.web() != WebApplicationType.NONE) {
            properties.put("server.port", 0);
            properties.put("server.address", "127.0.0.1");
        }
        // Several nodes share this JVM: never Spring gRPC's fixed 9090, and loopback only.
        properties.put("spring.grpc.server.port", 0);
        properties.put("spring.grpc.server.address", "127.0.0.1");
        properties.put("spring.jmx.enabled", "false");
        if (settings.fastTimings()) {
            properties.putAll(RaftTestCluster.fastTimings());
        }
        if (network != null) {
            properties.putAll(network.dialOverrides(id));
        }
        properties.putAll(settings.properties());
        properties.putAll(settings.nodeProperties().getOrDefault(id, Map.of()));
        properties.putAll(overrides);
        // As command-line arguments: they win over the application's own application.properties (server.port...).
        return properties.entrySet().stream()
            .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
            .toArray(String[]::new);
    }
}
