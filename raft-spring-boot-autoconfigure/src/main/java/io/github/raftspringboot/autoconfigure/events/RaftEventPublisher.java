package io.github.raftspringboot.autoconfigure.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

import io.github.raftspringboot.api.RaftLeaderChangedEvent;
import io.github.raftspringboot.api.RaftLeadershipAcquiredEvent;
import io.github.raftspringboot.api.RaftLeadershipLostEvent;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.RaftRoleChangedEvent;
import io.github.raftspringboot.engine.RaftEngineListener;

/**
 * Publishes the engine's role and leader changes as Spring application events, in the order they happened, on
 * the engine's single notification thread. A listener that throws is logged and does not stop the others.
 */
public final class RaftEventPublisher implements RaftEngineListener {

    private static final Logger logger = LoggerFactory.getLogger(RaftEventPublisher.class);

    private final String nodeId;

    private final ApplicationEventPublisher publisher;

    RaftEventPublisher(String nodeId, ApplicationEventPublisher publisher) {
        this.nodeId = nodeId;
        this.publisher = publisher;
    }

    @Override
    public void roleChanged(RaftRole previous, RaftRole current, long term) {
        logger.info("Raft node '{}' is now {} (was {}) in term {}", nodeId, current, previous, term);
        publish(new RaftRoleChangedEvent(nodeId, previous, current, term));
        if (current == RaftRole.LEADER) {
            publish(new RaftLeadershipAcquiredEvent(nodeId, term));
        }
        else if (previous == RaftRole.LEADER) {
            publish(new RaftLeadershipLostEvent(nodeId, term));
        }
    }

    @Override
    public void leaderChanged(String leaderId, String leaderAddress, long term) {
        if (leaderId != null && !leaderId.equals(nodeId)) {
            logger.info("Raft node '{}' follows leader '{}' at {} in term {}", nodeId, leaderId, leaderAddress, term);
        }
        publish(new RaftLeaderChangedEvent(nodeId, leaderId, leaderAddress, term));
    }

    private void publish(Object event) {
        try {
            publisher.publishEvent(event);
        }
        catch (RuntimeException ex) {
            logger.error("A listener failed on {}", event, ex);
        }
    }
}
