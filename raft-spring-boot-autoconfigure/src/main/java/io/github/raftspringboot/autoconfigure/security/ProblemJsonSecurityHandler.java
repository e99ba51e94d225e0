package io.github.raftspringboot.autoconfigure.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import io.github.raftspringboot.autoconfigure.web.ProblemResponses;

/**
 * 401 and 403 answers as RFC 9457 problem details ({@code application/problem+json}) that say what the caller
 * lacks, instead of an empty body or an HTML page.
 */
final class ProblemJsonSecurityHandler implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final String authority;

    ProblemJsonSecurityHandler(String authority) {
        this.authority = authority;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"raft\"");
        ProblemResponses.write(request, response, HttpStatus.UNAUTHORIZED, "Raft cluster operations and backups "
                + "need an authenticated caller with the authority " + authority
                + " (raft.actuator.security.authority).");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex)
            throws IOException {
        ProblemResponses.write(request, response, HttpStatus.FORBIDDEN, "Raft cluster operations and backups "
                + "need the authority " + authority
                + ", which this caller does not have (raft.actuator.security.authority).");
    }
}
