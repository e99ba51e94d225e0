package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/** When the endpoint, its web extension, the health indicator and the info contributor exist. */
class RaftActuatorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, RaftEndpointAutoConfiguration.class,
                RaftHealthAutoConfiguration.class,
                RaftInfoAutoConfiguration.class))
        .withBean(RaftNode.class, () -> mock(RaftNode.class));

    private final ApplicationContextRunner runnerWithProperties = runner.withBean(RaftProperties.class,
            RaftProperties::new);

    @Test
    void exposedEndpointHasItsWebExtension() {
        runnerWithProperties.withPropertyValues("management.endpoints.web.exposure.include=raft")
            .run(context -> assertThat(context).hasSingleBean(RaftEndpoint.class)
                .hasSingleBean(RaftEndpointWebExtension.class));
    }

    @Test
    void unexposedEndpointIsNotCreated() {
        runnerWithProperties.run(context -> assertThat(context).doesNotHaveBean(RaftEndpoint.class)
            .doesNotHaveBean(RaftEndpointWebExtension.class));
    }

    @Test
    void endpointAccessNoneRemovesIt() {
        runnerWithProperties.withPropertyValues("management.endpoints.web.exposure.include=raft",
                    // Upper case: the runner lacks a SpringApplication's lenient enum conversion.
                    "management.endpoint.raft.access=NONE")
            .run(context -> assertThat(context).doesNotHaveBean(RaftEndpoint.class));
    }

    @Test
    void withoutActuatorNothingIsConfigured() {
        runnerWithProperties.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class,
                org.springframework.boot.actuate.info.InfoContributor.class))
            .withPropertyValues("management.endpoints.web.exposure.include=raft")
            .run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(RaftEndpoint.class)
                .doesNotHaveBean(RaftHealthIndicator.class)
                .doesNotHaveBean(RaftInfoContributor.class));
    }

    @Test
    void healthGracePeriodDefaultsToThreeElectionTimeouts() {
        runner.withBean(RaftProperties.class, () -> {
            RaftProperties properties = new RaftProperties();
            properties.setElectionTimeout(Duration.ofMillis(700));
            return properties;
        }).run(context -> assertThat(ReflectionTestUtils.getField(context.getBean(RaftHealthIndicator.class), "gracePeriod"))
            .isEqualTo(Duration.ofMillis(2100)));
    }

    @Test
    void healthGracePeriodCanBeSet() {
        runnerWithProperties.withPropertyValues("raft.health.leader-grace-period=10s")
            .run(context -> assertThat(ReflectionTestUtils.getField(context.getBean(RaftHealthIndicator.class), "gracePeriod"))
                .isEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void healthAndInfoCanBeTurnedOff() {
        runnerWithProperties.withPropertyValues("management.health.raft.enabled=false", "management.info.raft.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(RaftHealthIndicator.class)
                .doesNotHaveBean(RaftInfoContributor.class));
    }
}
