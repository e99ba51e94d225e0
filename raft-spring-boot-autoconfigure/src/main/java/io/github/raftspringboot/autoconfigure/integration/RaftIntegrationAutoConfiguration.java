package io.github.raftspringboot.autoconfigure.integration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.integration.leader.event.DefaultLeaderEventPublisher;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;
import io.github.raftspringboot.autoconfigure.events.RaftEventPublisher;
import io.github.raftspringboot.autoconfigure.events.RaftEventsAutoConfiguration;

/**
 * Spring Integration on Raft: leader events for {@code SmartLifecycleRoleController} and leader-aware endpoints,
 * when spring-integration-core is on the class path.
 */
@AutoConfiguration(after = RaftEventsAutoConfiguration.class)
@ConditionalOnClass(LeaderEventPublisher.class)
@ConditionalOnBean({ RaftNode.class, RaftEventPublisher.class })
@ConditionalOnBooleanProperty(name = "raft.integration.leader-events.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftIntegrationProperties.class)
public final class RaftIntegrationAutoConfiguration {

    /** The role named in the events unless {@code raft.integration.role} says otherwise. */
    public static final String DEFAULT_ROLE = "raft-leader";

    @Bean
    @ConditionalOnMissingBean
    RaftLeaderEventBridge raftLeaderEventBridge(RaftNode node, ObjectProvider<LeaderEventPublisher> publisher,
            ApplicationEventPublisher events, RaftIntegrationProperties properties) {
        String role = properties.getRole();
        if (role == null || role.isBlank()) {
            throw new InvalidRaftPropertyException("raft.integration.role", role, "it is empty",
                    "Set raft.integration.role to the role name your @Role endpoints use, e.g. raft-leader.");
        }
        return new RaftLeaderEventBridge(node, publisher.getIfAvailable(() -> new DefaultLeaderEventPublisher(events)),
                role);
    }
}
