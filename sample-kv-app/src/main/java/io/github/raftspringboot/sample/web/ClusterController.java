package io.github.raftspringboot.sample.web;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.MembershipOptions;
import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftNodeStatus;
import io.github.raftspringboot.api.RaftPeerAddress;

/**
 * hraftd's {@code /join}, plus the membership and leadership operations an operator needs, and this node's status.
 * Operations that only the leader can run are carried to it by {@link RaftNode#viaLeader()} when sent to a follower.
 */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
class ClusterController {

    private final RaftNode node;

    private final Duration timeout;

    ClusterController(RaftNode node, @Value("${raft.request-timeout:10s}") Duration requestTimeout) {
        this.node = node;
        // A little over the engine's own limit, so that its clearer timeout error wins.
        this.timeout = requestTimeout.plusSeconds(1);
    }

    /**
     * Adds a server (started with {@code raft.bootstrap=false}) as a voter, or as a non-voter with
     * {@code "voter": false}. An id that is already a member at another address is refused (409) unless
     * {@code "replace": true}; {@code "force": true} skips the strict reconfiguration check.
     */
    @PostMapping(path = "/join", consumes = MediaType.APPLICATION_JSON_VALUE)
    IndexResponse join(@RequestBody JsonNode body) {
        JoinRequest join = ClusterRequests.join(body);
        String id = required("id", join.id(), "{\"id\":\"node4\",\"addr\":\"10.0.0.4:12000\"}");
        String address = required("addr", join.addr(), "{\"id\":\"node4\",\"addr\":\"10.0.0.4:12000\"}");
        RaftPeerAddress.checkNodeId(id, "id");
        RaftPeerAddress.parse(address, "addr");
        boolean voter = join.voter() == null || join.voter();
        MembershipOptions options = new MembershipOptions(Boolean.TRUE.equals(join.replace()),
                Boolean.TRUE.equals(join.force()));
        RaftNode leader = node.viaLeader();
        return new IndexResponse(RaftFutures.await(voter ? leader.addVoter(id, address, 0, options)
                : leader.addNonVoter(id, address, 0, options), timeout));
    }

    /** Removes a server from the cluster; {@code "force": true} skips the strict reconfiguration check. */
    @PostMapping(path = "/remove", consumes = MediaType.APPLICATION_JSON_VALUE)
    IndexResponse remove(@RequestBody JsonNode body) {
        RemoveRequest remove = ClusterRequests.remove(body);
        String id = required("id", remove.id(), "{\"id\":\"node3\"}");
        MembershipOptions options = MembershipOptions.defaults().withForce(Boolean.TRUE.equals(remove.force()));
        return new IndexResponse(RaftFutures.await(node.viaLeader().removeServer(id, 0, options), timeout));
    }

    /** Hands leadership to the voter named by {@code id}, or to the most up-to-date one when none is named. */
    @PostMapping("/transfer-leadership")
    IndexResponse transferLeadership(@RequestParam(name = "id", required = false) String id) {
        RaftNode leader = node.viaLeader();
        return new IndexResponse(RaftFutures.await(
                (id == null || id.isBlank()) ? leader.transferLeadership() : leader.transferLeadership(id.trim()),
                timeout));
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

    /** {@code POST /join} body, as hraftd names its fields, plus the membership checks' overrides. */
    record JoinRequest(String id, String addr, Boolean voter, Boolean replace, Boolean force) {
    }

    /** {@code POST /remove} body. */
    record RemoveRequest(String id, Boolean force) {
    }

    /** The log index a cluster operation reached. */
    record IndexResponse(long index) {
    }
}
