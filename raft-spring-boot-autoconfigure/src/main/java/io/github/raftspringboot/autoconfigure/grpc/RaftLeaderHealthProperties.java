package io.github.raftspringboot.autoconfigure.grpc;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Leader health on the standard gRPC Health service ({@code raft.grpc.health.*}): the named services are
 * SERVING on the leader and NOT_SERVING on every other node, so that gRPC clients can send calls to the leader.
 */
@ConfigurationProperties("raft.grpc.health")
public class RaftLeaderHealthProperties {

    /** Whether to publish the leader's health status on the application's gRPC Health service. */
    private boolean enabled = true;

    /** The health service name that is SERVING only on the leader (raft-grpc-leader-rpc's name by default). */
    private String leaderServiceName = "quis.RaftLeader";

    /** Further health service names that are SERVING only on the leader, e.g. the application's own services. */
    private List<String> services = new ArrayList<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getLeaderServiceName() {
        return leaderServiceName;
    }

    public void setLeaderServiceName(String leaderServiceName) {
        this.leaderServiceName = leaderServiceName;
    }

    public List<String> getServices() {
        return services;
    }

    public void setServices(List<String> services) {
        this.services = services;
    }
}
