package io.github.raftspringboot.autoconfigure.security;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;

/**
 * Adds to the {@code raft} endpoint's security filter chain, e.g. the application's own way to authenticate
 * ({@code http.oauth2ResourceServer(...)}) next to HTTP Basic, without replacing the chain.
 */
@FunctionalInterface
public interface RaftAdminHttpSecurityCustomizer extends Customizer<HttpSecurity> {
}
