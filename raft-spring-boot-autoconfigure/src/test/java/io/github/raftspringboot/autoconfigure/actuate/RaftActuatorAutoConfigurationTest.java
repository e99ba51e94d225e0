package io.github.raftspringboot.autoconfigure.actuate;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftProperties;

import static org.assertj.core.api.Assertions.assertThat;

class RaftActuatorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RaftEndpointAutoConfiguration.class,
                RaftHealthContributorAutoConfiguration.class, RaftInfoContributorAutoConfiguration.class))
        .withUserConfiguration(NodeConfiguration.class);

    @Test
    void endpointWhenExposedOverTheWeb() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=raft")
            .run(context -> assertThat(context).hasSingleBean(RaftEndpoint.class)
                .hasSingleBean(RaftEndpointWebExtension.class));
    }

    @Test
    void noEndpointWhenNotExposed() {
        runner.run(context -> assertThat(context).doesNotHaveBean(RaftEndpoint.class)
            .doesNotHaveBean(RaftEndpointWebExtension.class));
    }

    @Test
    void noEndpointWhenItsAccessIsNone() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=raft", "management.endpoint.raft.access=NONE")
            .run(context -> assertThat(context).doesNotHaveBean(RaftEndpoint.class));
    }

    @Test
    void healthAndInfoByDefault() {
        runner.run(context -> {
            assertThat(context).hasBean("raftHealthIndicator").hasBean("raftInfoContributor");
            assertThat(context.getBean("raftHealthIndicator")).isInstanceOf(HealthIndicator.class);
            assertThat(context.getBean("raftInfoContributor")).isInstanceOf(InfoContributor.class);
            assertThat(context.getBean(RaftHealthProperties.class).getLeaderGracePeriod()).hasSeconds(10);
        });
    }

    @Test
    void healthAndInfoCanBeSwitchedOff() {
        runner.withPropertyValues("management.health.raft.enabled=false", "management.info.raft.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean("raftHealthIndicator")
                .doesNotHaveBean("raftInfoContributor"));
    }

    @Test
    void nothingWithoutARaftNode() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RaftEndpointAutoConfiguration.class,
                    RaftHealthContributorAutoConfiguration.class, RaftInfoContributorAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=raft")
            .run(context -> assertThat(context).doesNotHaveBean(RaftEndpoint.class)
                .doesNotHaveBean("raftHealthIndicator")
                .doesNotHaveBean("raftInfoContributor"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RaftProperties.class)
    static class NodeConfiguration {

        @Bean
        RaftNode raftNode() {
            return new StubRaftNode();
        }
    }
}
