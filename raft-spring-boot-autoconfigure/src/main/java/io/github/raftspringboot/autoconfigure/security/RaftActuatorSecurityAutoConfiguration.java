package io.github.raftspringboot.autoconfigure.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

import io.github.raftspringboot.autoconfigure.actuate.RaftActuatorProperties;
import io.github.raftspringboot.autoconfigure.actuate.RaftEndpoint;
import io.github.raftspringboot.autoconfigure.actuate.RaftEndpointAutoConfiguration;

/**
 * When the application has Spring Security: a security filter chain, ordered before the application's own, that
 * lets only authenticated callers with {@code raft.actuator.security.authority} (default {@code RAFT_ADMIN}) change
 * the cluster through the {@code raft} endpoint or download a backup. It matches nothing else, so the endpoint's
 * reads and every other request keep the application's rules.
 * <p>
 * Ordered after Spring Boot's web security auto-configuration: Boot's default chain is kept when the application
 * defines none (a {@code SecurityFilterChain} bean of ours must not switch it off). Replace this chain with a bean
 * named {@code raftAdminSecurityFilterChain}, add to it with a {@link RaftAdminHttpSecurityCustomizer}, or turn it
 * off with {@code raft.actuator.security.enabled=false}.
 */
@AutoConfiguration(after = RaftEndpointAutoConfiguration.class,
        afterName = {
                "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
                "org.springframework.boot.security.autoconfigure.actuate.web.servlet."
                        + "ManagementWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class, EndpointRequest.class })
@ConditionalOnBean({ RaftEndpoint.class, HttpSecurity.class })
@ConditionalOnBooleanProperty(name = "raft.actuator.security.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RaftActuatorProperties.class)
public final class RaftActuatorSecurityAutoConfiguration {

    /** Before the application's chains (which default to the lowest precedence) and Boot's management chain. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    @Bean(name = "raftAdminSecurityFilterChain")
    @Order(ORDER)
    @ConditionalOnMissingBean(name = "raftAdminSecurityFilterChain")
    SecurityFilterChain raftAdminSecurityFilterChain(HttpSecurity http, RaftActuatorProperties properties,
            ObjectProvider<RaftAdminHttpSecurityCustomizer> customizers) throws Exception {
        String authority = properties.getSecurity().getAuthority();
        ProblemJsonSecurityHandler problems = new ProblemJsonSecurityHandler(authority);
        http.securityMatcher(new RaftAdminRequestMatcher())
            .authorizeHttpRequests(requests -> requests.anyRequest().hasAuthority(authority))
            .httpBasic(basic -> basic.authenticationEntryPoint(problems))
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems)
                .accessDeniedHandler(problems))
            // Called by tools with credentials on each request, never by a browser form: no session, no CSRF token.
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .csrf(AbstractHttpConfigurer::disable);
        customizers.orderedStream().forEach(customizer -> customizer.customize(http));
        return http.build();
    }
}
