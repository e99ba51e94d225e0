package io.github.raftspringboot.sample.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

import io.github.raftspringboot.autoconfigure.web.ProblemResponses;

/**
 * Guards the sample's cluster endpoints ({@code /join}, {@code /remove}, {@code /transfer-leadership},
 * {@code /restore}, {@code /backup}), the Actuator write operations and {@code GET /actuator/raft/backup}: with
 * {@code RAFT_ADMIN_TOKEN} set they need {@code Authorization: Bearer <token>}; without it they answer callers on
 * this host only. Key reads and writes, {@code /status} and Actuator reads stay open, as in hraftd. Refusals are
 * problem details that say what to send or set.
 */
public final class AdminAccessFilter extends OncePerRequestFilter {

    private static final Set<String> CLUSTER_PATHS = Set.of("/join", "/remove", "/transfer-leadership", "/restore",
            "/backup");

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private static final String BEARER = "bearer ";

    private final byte[] tokenDigest;

    /** @param token the admin token, or {@code null} to serve loopback callers only */
    public AdminAccessFilter(String token) {
        this.tokenDigest = (token != null) ? digest(token) : null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!isAdminRequest(request)) {
            chain.doFilter(request, response);
            return;
        }
        if (tokenDigest == null) {
            if (isLoopback(request.getRemoteAddr())) {
                chain.doFilter(request, response);
            }
            else {
                ProblemResponses.write(request, response, HttpStatus.FORBIDDEN, "Cluster operations are served to "
                        + "callers on the node's own host only, because the node has no admin token: start every "
                        + "node with RAFT_ADMIN_TOKEN=<secret> and send 'Authorization: Bearer <secret>'.");
            }
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"raft\"");
            ProblemResponses.write(request, response, HttpStatus.UNAUTHORIZED, "Cluster operations need the "
                    + "header 'Authorization: Bearer <token>' with the node's RAFT_ADMIN_TOKEN.");
            return;
        }
        byte[] presented = digest(authorization.substring(BEARER.length()).strip());
        if (!MessageDigest.isEqual(presented, tokenDigest)) {
            ProblemResponses.write(request, response, HttpStatus.FORBIDDEN,
                    "The bearer token is not this node's RAFT_ADMIN_TOKEN.");
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean isAdminRequest(HttpServletRequest request) {
        String path = canonicalPath(request.getRequestURI().substring(request.getContextPath().length()));
        if (path == null || CLUSTER_PATHS.contains(path)) {
            return true;
        }
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            return !READ_METHODS.contains(request.getMethod()) || path.equals("/actuator/raft/backup");
        }
        return false;
    }

    /**
     * The path as the handler mappings see it, whatever its spelling: Spring MVC drops path parameters
     * ({@code /backup;x=1}) and decodes escapes ({@code /%62ackup}) before it matches, so the raw URI alone would let
     * such a request past this filter to the endpoint. Also merges slashes and resolves dot segments, so that no
     * other spelling of an admin path escapes; {@code null} (treated as admin) for an escape that does not decode.
     */
    static String canonicalPath(String rawPath) {
        StringBuilder withoutParameters = new StringBuilder();
        for (String segment : rawPath.split("/", -1)) {
            int semicolon = segment.indexOf(';');
            withoutParameters.append('/').append((semicolon < 0) ? segment : segment.substring(0, semicolon));
        }
        String decoded;
        try {
            decoded = UriUtils.decode(withoutParameters.toString(), StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/")) {
            if (segment.equals("..")) {
                segments.pollLast();
            }
            else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }

    private static boolean isLoopback(String address) {
        try {
            // A numeric address from the connection: no name lookup happens.
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        }
        catch (UnknownHostException ex) {
            return false;
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JVM", ex);
        }
    }
}
