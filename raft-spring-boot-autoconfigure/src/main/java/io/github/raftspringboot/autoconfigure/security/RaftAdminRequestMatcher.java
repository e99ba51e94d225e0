package io.github.raftspringboot.autoconfigure.security;

import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;

import io.github.raftspringboot.autoconfigure.actuate.RaftEndpoint;

/**
 * The requests to the {@code raft} Actuator endpoint that change the cluster or read all its data: every method but
 * GET/HEAD/OPTIONS ({@code POST /actuator/raft/{operation}}, {@code DELETE /actuator/raft/{id}}), and
 * {@code GET /actuator/raft/backup}. Its other reads are left to the application's own rules.
 */
final class RaftAdminRequestMatcher implements RequestMatcher {

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final RequestMatcher endpoint = EndpointRequest.to(RaftEndpoint.class);

    @Override
    public boolean matches(HttpServletRequest request) {
        if (!endpoint.matches(request)) {
            return false;
        }
        return !READ_METHODS.contains(request.getMethod()) || request.getRequestURI().endsWith("/backup");
    }

    @Override
    public String toString() {
        return "raft endpoint writes and backup download";
    }
}
