package io.github.raftspringboot.sample.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.github.raftspringboot.api.RaftLeaderChangedEvent;
import io.github.raftspringboot.api.RaftLeadershipAcquiredEvent;
import io.github.raftspringboot.api.RaftLeadershipLostEvent;
import io.github.raftspringboot.api.RaftRoleChangedEvent;

/**
 * The seed's "react to Raft state changes" example, with the starter's application events. Replace the log lines
 * with your own reaction: start leader-only jobs on {@link RaftLeadershipAcquiredEvent}, stop them on
 * {@link RaftLeadershipLostEvent}, refresh a client's view of the leader on {@link RaftLeaderChangedEvent}.
 * Listeners run one at a time on the node's event thread: hand long work to an executor.
 */
@Component
class RaftStateChangeLogger {

    private static final Logger logger = LoggerFactory.getLogger(RaftStateChangeLogger.class);

    @EventListener
    void roleChanged(RaftRoleChangedEvent event) {
        logger.info("Role changed from {} to {} in term {}", event.previousRole(), event.role(), event.term());
    }

    @EventListener
    void leaderChanged(RaftLeaderChangedEvent event) {
        if (event.leaderId() == null) {
            logger.info("No leader known in term {}", event.term());
        }
        else if (event.isLocalLeader()) {
            logger.info("This node leads in term {}", event.term());
        }
        else {
            logger.info("Leader is now {} at {} (term {})", event.leaderId(), event.leaderAddress(), event.term());
        }
    }

    @EventListener
    void leadershipAcquired(RaftLeadershipAcquiredEvent event) {
        logger.info("Leadership acquired in term {}: leader-only work may start", event.term());
    }

    @EventListener
    void leadershipLost(RaftLeadershipLostEvent event) {
        logger.info("Leadership lost in term {}: leader-only work must stop", event.term());
    }
}
