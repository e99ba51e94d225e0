package io.github.raftspringboot.autoconfigure.grpc;

import java.util.List;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

import io.github.raftspringboot.api.RaftLeaderChangedEvent;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftRoleChangedEvent;

/** Keeps the leader health services SERVING on the leader and NOT_SERVING elsewhere, on every change. */
final class RaftLeaderHealthUpdater {

    private static final Logger logger = LoggerFactory.getLogger(RaftLeaderHealthUpdater.class);

    private final RaftNode node;

    private final HealthStatusManager health;

    private final List<String> services;

    RaftLeaderHealthUpdater(RaftNode node, HealthStatusManager health, List<String> services) {
        this.node = node;
        this.health = health;
        this.services = services;
        update();
    }

    @EventListener({ RaftLeaderChangedEvent.class, RaftRoleChangedEvent.class })
    void onLeadershipChange() {
        update();
    }

    /** Reads the current role rather than trusting the event: events may arrive after a newer change. */
    synchronized void update() {
        ServingStatus status = node.isLeader() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        logger.debug("Leader health of node '{}': {} for {}", node.nodeId(), status, services);
        services.forEach(service -> health.setStatus(service, status));
    }
}
