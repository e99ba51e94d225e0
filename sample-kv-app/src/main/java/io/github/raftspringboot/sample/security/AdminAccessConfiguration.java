package io.github.raftspringboot.sample.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Registers {@link AdminAccessFilter} with {@code sample.security.admin-token} (the {@code RAFT_ADMIN_TOKEN}
 * environment variable), and says once at start when there is none.
 */
@Configuration(proxyBeanMethods = false)
class AdminAccessConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AdminAccessConfiguration.class);

    @Bean
    FilterRegistrationBean<AdminAccessFilter> adminAccessFilter(
            @Value("${sample.security.admin-token:}") String token) {
        if (token.isBlank()) {
            log.warn("RAFT_ADMIN_TOKEN is not set: /join, /remove, /transfer-leadership, /restore, /backup and the "
                    + "Actuator write operations answer callers on this host only (and so does the gRPC admin "
                    + "port). Set RAFT_ADMIN_TOKEN on every node to administer the cluster from elsewhere.");
        }
        FilterRegistrationBean<AdminAccessFilter> registration = new FilterRegistrationBean<>(
                new AdminAccessFilter(token.isBlank() ? null : token.strip()));
        // Before everything else, so a refused request does no work.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
