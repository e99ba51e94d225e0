package io.github.raftspringboot.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.autoconfigure.RaftProperties;

/**
 * The {@code raft} Actuator endpoint (web and JMX), when Actuator is on the classpath and the endpoint is
 * available (exposed and not switched off with {@code management.endpoint.raft.access=none}).
 */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(RaftNode.class)
@ConditionalOnAvailableEndpoint(RaftEndpoint.class)
public final class RaftEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftEndpoint raftEndpoint(RaftNode node, RaftProperties properties) {
        // A little over the engine's own limit, so that its clearer timeout error wins.
        return new RaftEndpoint(node, properties.getRequestTimeout().plusSeconds(1));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(RaftEndpoint.class)
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    RaftEndpointWebExtension raftEndpointWebExtension(RaftEndpoint endpoint) {
        return new RaftEndpointWebExtension(endpoint);
    }
}
