package io.github.raftspringboot.sample.web;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftServerInfo;

/**
 * Runs a cluster operation that only the leader can run (membership changes, leadership transfer): here when this
 * node leads, otherwise by sending the same HTTP request to the leader and answering with its response. A request
 * that was already forwarded once is not forwarded again, so a stale view of the leader cannot make a loop.
 */
@Component
class LeaderForwarder {

    private static final Logger logger = LoggerFactory.getLogger(LeaderForwarder.class);

    /** Set on a forwarded request; its value is the id of the node that forwarded it. */
    static final String FORWARDED_BY = "X-Raft-Forwarded-By";

    private final RaftNode node;

    private final NodeHttpAddresses addresses;

    private final RestClient client;

    private final JsonMapper json = new JsonMapper();

    LeaderForwarder(RaftNode node, NodeHttpAddresses addresses,
            @Value("${raft.request-timeout:10s}") Duration requestTimeout) {
        this.node = node;
        this.addresses = addresses;
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(Duration.ofSeconds(3));
        requests.setReadTimeout(requestTimeout.plusSeconds(5));
        this.client = RestClient.builder().requestFactory(requests).build();
    }

    /**
     * Runs {@code operation} and answers 200 with its result; if this node is not the leader, forwards
     * {@code request} (with {@code body} as JSON) to the leader instead.
     */
    ResponseEntity<?> onLeader(HttpServletRequest request, Object body, Supplier<?> operation) {
        try {
            return ResponseEntity.ok(operation.get());
        }
        catch (RaftException ex) {
            if (ex.reason() != RaftException.Reason.NOT_LEADER || request.getHeader(FORWARDED_BY) != null) {
                throw ex;
            }
            return forward(request, body, leaderId(ex));
        }
    }

    private String leaderId(RaftException notLeader) {
        if (notLeader.leaderId() != null) {
            return notLeader.leaderId();
        }
        RaftServerInfo leader = node.status().leader();
        if (leader == null) {
            throw new RaftException(RaftException.Reason.NO_LEADER,
                    "This node is not the leader and no leader is known right now (an election may be in "
                            + "progress); retry in a moment");
        }
        return leader.id();
    }

    private ResponseEntity<byte[]> forward(HttpServletRequest request, Object body, String leaderId) {
        ResponseEntity<byte[]> response = forwardOnce(request, body, leaderId);
        // Leadership may have moved since this node last heard: follow the new leader the old one names, once.
        String newLeader = newLeaderNamedIn(response);
        if (newLeader != null && !newLeader.equals(leaderId) && !newLeader.equals(node.nodeId())) {
            response = forwardOnce(request, body, newLeader);
        }
        return response;
    }

    private ResponseEntity<byte[]> forwardOnce(HttpServletRequest request, Object body, String leaderId) {
        String base = addresses.urlOf(leaderId)
            .orElseThrow(() -> new RaftException(RaftException.Reason.NOT_LEADER, "This node is not the leader; "
                    + "the leader is '" + leaderId + "', whose HTTP address this node does not know yet. Retry in "
                    + "a moment, or send the request to the leader", leaderId, null));
        String query = request.getQueryString();
        URI target = URI.create(base + request.getRequestURI() + ((query != null) ? "?" + query : ""));
        logger.debug("Forwarding {} {} to the leader '{}' at {}", request.getMethod(), request.getRequestURI(),
                leaderId, target);
        try {
            RestClient.RequestBodySpec spec = client.method(HttpMethod.valueOf(request.getMethod()))
                .uri(target)
                .header(FORWARDED_BY, node.nodeId())
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);
            if (body != null) {
                spec.contentType(MediaType.APPLICATION_JSON).body(body);
            }
            return spec.exchange((clientRequest, response) -> {
                HttpHeaders headers = new HttpHeaders();
                if (response.getHeaders().getContentType() != null) {
                    headers.setContentType(response.getHeaders().getContentType());
                }
                String retryAfter = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
                if (retryAfter != null) {
                    headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
                }
                return ResponseEntity.status(response.getStatusCode())
                    .headers(headers)
                    .body(StreamUtils.copyToByteArray(response.getBody()));
            });
        }
        catch (RestClientException ex) {
            throw new RaftException(RaftException.Reason.NO_LEADER, "This node is not the leader and could not "
                    + "reach the leader '" + leaderId + "' at " + base + " (" + ex.getMessage() + "); retry in a "
                    + "moment", leaderId, ex);
        }
    }

    /** The leader a NOT_LEADER problem detail names, or {@code null}. */
    private String newLeaderNamedIn(ResponseEntity<byte[]> response) {
        if (response.getStatusCode().value() != 503 || response.getBody() == null) {
            return null;
        }
        try {
            JsonNode problem = json.readTree(response.getBody());
            return "NOT_LEADER".equals(problem.path("reason").asString(null))
                    ? problem.path("leader").asString(null) : null;
        }
        catch (JacksonException ex) {
            return null;
        }
    }
}
