package io.github.raftspringboot.autoconfigure.leader;

import org.junit.jupiter.api.Test;
import org.springframework.aop.Advisor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.InvalidRaftPropertyException;
import io.github.raftspringboot.autoconfigure.events.RaftEventPublisher;
import io.github.raftspringboot.autoconfigure.integration.RaftIntegrationAutoConfiguration;
import io.github.raftspringboot.autoconfigure.integration.RaftLeaderEventBridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/** When the leader-only advisor and the Spring Integration leader events exist. */
class RaftCoordinationAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftLeaderOnlyAutoConfiguration.class,
                RaftIntegrationAutoConfiguration.class))
        .withBean(RaftNode.class, () -> mock(RaftNode.class))
        .withBean(RaftEventPublisher.class, () -> mock(RaftEventPublisher.class));

    @Test
    void byDefaultBothAreConfigured() {
        runner.run(context -> assertThat(context).hasNotFailed()
            .hasBean(RaftLeaderOnlyAutoConfiguration.ADVISOR_BEAN_NAME)
            .hasSingleBean(RaftLeaderEventBridge.class)
            .satisfies(c -> assertThat(c.getBean(RaftLeaderEventBridge.class).context().getRole())
                .isEqualTo("raft-leader")));
    }

    @Test
    void eachCanBeTurnedOff() {
        runner.withPropertyValues("raft.leader-only.enabled=false", "raft.integration.leader-events.enabled=false")
            .run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(RaftLeaderOnlyAutoConfiguration.ADVISOR_BEAN_NAME)
                .doesNotHaveBean(RaftLeaderEventBridge.class));
    }

    @Test
    void raftEnabledFalseTurnsBothOff() {
        runner.withPropertyValues("raft.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(Advisor.class));
    }

    @Test
    void withoutSpringIntegrationThereAreNoLeaderEvents() {
        runner.withClassLoader(new FilteredClassLoader(LeaderEventPublisher.class))
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RaftLeaderEventBridge.class));
    }

    @Test
    void theRoleIsConfigurableAndMayNotBeEmpty() {
        runner.withPropertyValues("raft.integration.role=reports")
            .run(context -> assertThat(context.getBean(RaftLeaderEventBridge.class).context().getRole())
                .isEqualTo("reports"));
        runner.withPropertyValues("raft.integration.role= ")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidRaftPropertyException.class)
                .hasMessageContaining("raft.integration.role"));
    }
}
