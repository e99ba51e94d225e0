package io.github.raftspringboot.autoconfigure.integration;

import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import io.github.raftspringboot.api.RaftLeadershipAcquiredEvent;
import io.github.raftspringboot.api.RaftLeadershipLostEvent;
import io.github.raftspringboot.api.RaftNode;

/**
 * Publishes Spring Integration's {@code OnGrantedEvent} when this node becomes the Raft leader and
 * {@code OnRevokedEvent} when it stops being the leader, so that {@code SmartLifecycleRoleController} (endpoints with
 * {@code @Role}) and listeners written for Spring Integration's leader initiators work unchanged on Raft.
 */
public final class RaftLeaderEventBridge {

    private final LeaderEventPublisher publisher;

    private final Context context;

    private final String role;

    public RaftLeaderEventBridge(RaftNode node, LeaderEventPublisher publisher, String role) {
        this.publisher = publisher;
        this.role = role;
        this.context = new RaftLeaderContext(node, role);
    }

    /** The context handed to the events: {@code isLeader()}, {@code yield()} and the role. */
    public Context context() {
        return context;
    }

    @EventListener
    void onAcquired(RaftLeadershipAcquiredEvent event) {
        publisher.publishOnGranted(this, context, role);
    }

    @EventListener
    void onLost(RaftLeadershipLostEvent event) {
        publisher.publishOnRevoked(this, context, role);
    }
}
