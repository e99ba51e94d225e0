package io.github.raftspringboot.sample.web;

import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.autoconfigure.engine.RaftPeerAddress;

/**
 * hraftd's {@code /join}, plus the membership and leadership operations an operator needs, and this node's status.
 * Operations that only the leader can run are carried to it when sent to another node.
 */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class ClusterController {

    private final RaftNode node;

    private final LeaderForwarder forwarder;

    private final Duration timeout;

    ClusterController(RaftNode node, LeaderForwarder forwarder,
            @Value("${raft.request-timeout:10s}") Duration requestTimeout) {
        this.node = node;
        this.forwarder = forwarder;
        // A little over the engine's own limit, so that its clearer timeout error wins.
        this.timeout = requestTimeout.plusSeconds(1);
    }

    /**
     * Adds a server (started with {@code raft.bootstrap=false}) as a voter, or as a non-voter with
     * {@code "voter": false}.
     */
    @PostMapping(path = "/join", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> join(@RequestBody JoinRequest join, HttpServletRequest request) {
        String id = required("id", join.id(), "{\"id\":\"node4\",\"addr\":\"10.0.0.4:12000\"}");
        String address = required("addr", join.addr(), "{\"id\":\"node4\",\"addr\":\"10.0.0.4:12000\"}");
        RaftPeerAddress.checkNodeId(id, "id");
        RaftPeerAddress.parse(address, "addr");
        boolean voter = join.voter() == null || join.voter();
        return forwarder.onLeader(request, join, () -> new IndexResponse(Futures.await(
                voter ? node.addVoter(id, address, 0) : node.addNonVoter(id, address, 0), timeout)));
    }

    /** Removes a server from the cluster. */
    @PostMapping(path = "/remove", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> remove(@RequestBody RemoveRequest remove, HttpServletRequest request) {
        String id = required("id", remove.id(), "{\"id\":\"node3\"}");
        return forwarder.onLeader(request, remove,
                () -> new IndexResponse(Futures.await(node.removeServer(id, 0), timeout)));
    }

    /** Hands leadership to the voter named by {@code id}, or to the most up-to-date one when none is named. */
    @PostMapping("/transfer-leadership")
    ResponseEntity<?> transferLeadership(@RequestParam(required = false) String id, HttpServletRequest request) {
        return forwarder.onLeader(request, null, () -> new IndexResponse(Futures.await(
                (id == null || id.isBlank()) ? node.transferLeadership() : node.transferLeadership(id.trim()),
                timeout)));
    }

    /** This node's view of the cluster: role, term, leader, indexes and configuration. */
    @GetMapping("/status")
    RaftNodeStatus status() {
        return node.status();
    }

    private static String required(String field, String value, String example) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The field '" + field + "' is missing: send e.g. " + example);
        }
        return value.trim();
    }

    /** {@code POST /join} body, as hraftd names its fields. */
    record JoinRequest(String id, String addr, Boolean voter) {
    }

    /** {@code POST /remove} body. */
    record RemoveRequest(String id) {
    }

    /** The log index a cluster operation reached. */
    record IndexResponse(long index) {
    }
}
