package io.github.raftspringboot.sample.web;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.WriteResult;

/**
 * {@code POST /key?lease=7}: sets keys attached to a lease, which deletes them when it ends. Each key is its own
 * write (a lease is attached per key); the answer is the last one's.
 */
@RestController
class LeasedKeyController {

    private final RaftLeases leases;

    LeasedKeyController(RaftLeases leases) {
        this.leases = leases;
    }

    @PostMapping(path = "/key", params = "lease", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    WriteResult set(@RequestParam String lease, @RequestBody JsonNode body) {
        long id = LeaseRequests.id(lease, "?lease=");
        if (!body.isObject() || body.isEmpty()) {
            throw new IllegalArgumentException("The request body must be a non-empty JSON object of keys and values, "
                    + "e.g. {\"worker/1\":\"alive\"}");
        }
        for (Map.Entry<String, JsonNode> entry : body.properties()) {
            if (entry.getValue().isNull()) {
                throw new IllegalArgumentException("The value of '" + entry.getKey() + "' is null, which the store "
                        + "does not hold: revoke the lease or delete the key instead");
            }
        }
        WriteResult last = null;
        for (Map.Entry<String, JsonNode> entry : body.properties()) {
            last = leases.put(entry.getKey(), entry.getValue(), id);
        }
        return last;
    }
}
