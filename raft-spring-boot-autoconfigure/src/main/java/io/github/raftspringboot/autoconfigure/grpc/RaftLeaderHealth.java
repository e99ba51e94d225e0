package io.github.raftspringboot.autoconfigure.grpc;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.autoconfigure.engine.RaftEngineListener;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * Reports the leader health services as SERVING on the server's gRPC Health service while this node leads, and
 * NOT_SERVING otherwise (as raft-grpc-leader-rpc does), updated on every role change.
 */
final class RaftLeaderHealth implements RaftEngineListener {

    private static final Logger logger = LoggerFactory.getLogger(RaftLeaderHealth.class);

    private final HealthStatusManager health;

    private final List<String> services;

    RaftLeaderHealth(HealthStatusManager health, List<String> services, boolean leader) {
        this.health = health;
        this.services = List.copyOf(services);
        report(leader);
    }

    @Override
    public void roleChanged(RaftRole previous, RaftRole current, long term) {
        report(current == RaftRole.LEADER);
    }

    List<String> services() {
        return services;
    }

    private void report(boolean leader) {
        ServingStatus status = leader ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        services.forEach(service -> health.setStatus(service, status));
        logger.debug("Leader health services {} are {}", services, status);
    }
}
