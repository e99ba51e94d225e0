package io.github.raftspringboot.sample.web;

import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.LeaseNotFoundException;
import io.github.raftspringboot.api.RaftLeases;

/** Leases over HTTP (docs/http-api.md#leases): grant, keep alive, revoke, read. */
@RestController
@RequestMapping(path = "/lease", produces = MediaType.APPLICATION_JSON_VALUE)
class LeaseController {

    private final RaftLeases leases;

    LeaseController(RaftLeases leases) {
        this.leases = leases;
    }

    /** {@code {"ttl":"10s"}}, optionally with {@code "id"}: the lease, with its id. */
    @PostMapping
    ObjectNode grant(@RequestBody(required = false) JsonNode body) {
        long id = LeaseRequests.chosenId(body);
        var ttl = LeaseRequests.ttl(body, null);
        return LeaseRequests.json((id == 0) ? leases.grant(ttl) : leases.grant(id, ttl));
    }

    @PostMapping("/{id}/keepalive")
    ObjectNode keepAlive(@PathVariable String id) {
        return LeaseRequests.json(leases.keepAlive(LeaseRequests.id(id, "The path's lease id")));
    }

    /** Revokes the lease and deletes its keys; 404 if it does not exist. */
    @DeleteMapping("/{id}")
    ObjectNode revoke(@PathVariable String id) {
        long lease = LeaseRequests.id(id, "The path's lease id");
        if (!leases.revoke(lease)) {
            throw new LeaseNotFoundException(lease);
        }
        return JsonNodeFactory.instance.objectNode().put("revoked", true);
    }

    @GetMapping("/{id}")
    ObjectNode timeToLive(@PathVariable String id) {
        long lease = LeaseRequests.id(id, "The path's lease id");
        return LeaseRequests.json(leases.timeToLive(lease).orElseThrow(() -> new LeaseNotFoundException(lease)));
    }

    @GetMapping
    List<ObjectNode> list() {
        return leases.list().stream().map(LeaseRequests::json).toList();
    }
}
