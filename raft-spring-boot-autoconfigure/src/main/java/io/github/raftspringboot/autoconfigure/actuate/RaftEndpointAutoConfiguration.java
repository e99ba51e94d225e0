package io.github.raftspringboot.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.autoconfigure.RaftAutoConfiguration;
import io.github.raftspringboot.autoconfigure.RaftProperties;

/** The {@code raft} Actuator endpoint, when Actuator is on the classpath and the endpoint is available. */
@AutoConfiguration(after = RaftAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(RaftNode.class)
@ConditionalOnAvailableEndpoint(RaftEndpoint.class)
@EnableConfigurationProperties(RaftActuatorProperties.class)
public final class RaftEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RaftEndpoint raftEndpoint(RaftNode node, ObjectProvider<RaftProperties> properties) {
        // A forwarded operation may wait for the leader's own request timeout: allow for both legs.
        Duration requestTimeout = properties.getIfAvailable(RaftProperties::new).getRequestTimeout();
        return new RaftEndpoint(node, requestTimeout.multipliedBy(2));
    }

    /** Maps failures to HTTP statuses when the endpoint is exposed over the web. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = RaftEndpoint.class, exposure = EndpointExposure.WEB)
    RaftEndpointWebExtension raftEndpointWebExtension(RaftEndpoint endpoint, RaftActuatorProperties properties) {
        return new RaftEndpointWebExtension(endpoint, properties.getBackup().isEnabled());
    }

    /** {@code curl -X POST .../actuator/raft/snapshot} with no body: see {@link RaftWriteOperationsWithoutBody}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping")
    @ConditionalOnAvailableEndpoint(endpoint = RaftEndpoint.class, exposure = EndpointExposure.WEB)
    static class WriteOperationsWithoutBody {

        @Bean
        static RaftWriteOperationsWithoutBody raftWriteOperationsWithoutBody(ApplicationContext context) {
            return new RaftWriteOperationsWithoutBody(context);
        }
    }
}
