package io.github.raftspringboot.admin.client;

import java.util.List;
import java.util.Map;

/**
 * Client-side routing to the Raft leader through the standard gRPC health protocol: every node reports the
 * leader health service ({@value #DEFAULT_HEALTH_SERVICE} by default) as {@code SERVING} only while it leads, so a
 * {@code round_robin} channel with {@code healthCheckConfig} over all nodes sends each call to the leader, and
 * follows it after a failover. Needs {@code grpc-services} on the client's class path.
 *
 * <pre>{@code
 * ManagedChannel channel = Grpc.newChannelBuilder("multi:///10.0.0.1:9090,10.0.0.2:9090,10.0.0.3:9090",
 *         InsecureChannelCredentials.create())
 *     .defaultServiceConfig(LeaderRouting.serviceConfig(LeaderRouting.DEFAULT_HEALTH_SERVICE))
 *     .build();
 * }</pre>
 */
public final class LeaderRouting {

    /** The health service name that is {@code SERVING} on the leader only (as in raft-grpc-leader-rpc). */
    public static final String DEFAULT_HEALTH_SERVICE = "quis.RaftLeader";

    private LeaderRouting() {
    }

    /**
     * The service config {@code {"loadBalancingConfig":[{"round_robin":{}}],"healthCheckConfig":{"serviceName":
     * healthService}}} as the map {@code ManagedChannelBuilder.defaultServiceConfig} takes.
     */
    public static Map<String, ?> serviceConfig(String healthService) {
        return Map.of("loadBalancingConfig", List.of(Map.of("round_robin", Map.of())), "healthCheckConfig",
                Map.of("serviceName", healthService));
    }
}
