package io.github.raftspringboot.sample.web;

import java.time.Duration;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.Lease;
import io.github.raftspringboot.api.LockHolder;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLocks;

/**
 * Locks over HTTP (docs/http-api.md#locks). The client holds a lock through its lease: it keeps the lease alive
 * with {@code POST /lease/{id}/keepalive}, and the lock ends with it.
 */
@RestController
@RequestMapping(path = "/lock", produces = MediaType.APPLICATION_JSON_VALUE)
class LockController {

    /** The TTL of the lease made for a lock request that names none. */
    static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    private final RaftLocks locks;

    private final RaftLeases leases;

    LockController(RaftLocks locks, RaftLeases leases) {
        this.locks = locks;
        this.leases = leases;
    }

    /**
     * Takes the lock on {@code ?lease=} or, without one, on a new lease of the body's TTL (default 10 s); 409 while
     * someone else holds it.
     */
    @PostMapping("/{name}")
    ObjectNode lock(@PathVariable String name, @RequestParam(required = false) String lease,
            @RequestBody(required = false) JsonNode body) {
        if (lease != null) {
            long id = LeaseRequests.id(lease, "?lease=");
            return json(locks.tryLock(name, id).orElseThrow(() -> held(name)));
        }
        Lease granted = leases.grant(LeaseRequests.ttl(body, DEFAULT_TTL));
        try {
            return json(locks.tryLock(name, granted.id()).orElseThrow(() -> held(name)));
        }
        catch (RuntimeException ex) {
            leases.revoke(granted.id());
            throw ex;
        }
    }

    /** Frees the lock: the holding lease's ({@code ?lease=}), or whoever holds it. */
    @DeleteMapping("/{name}")
    ObjectNode unlock(@PathVariable String name, @RequestParam(required = false) String lease) {
        boolean unlocked;
        if (lease != null) {
            unlocked = locks.unlock(name, LeaseRequests.id(lease, "?lease="));
        }
        else {
            unlocked = locks.holder(name).map(holder -> locks.unlock(name, holder.leaseId())).orElse(false);
        }
        return JsonNodeFactory.instance.objectNode().put("unlocked", unlocked);
    }

    /** The holder, or 404 when the lock is free. */
    @GetMapping("/{name}")
    ObjectNode holder(@PathVariable String name) {
        return json(locks.holder(name).orElseThrow(() -> new LockFreeException(name)));
    }

    private LockHeldException held(String name) {
        return new LockHeldException(name, locks.holder(name).orElse(null));
    }

    private static ObjectNode json(LockHolder holder) {
        return JsonNodeFactory.instance.objectNode().put("name", holder.name())
            .put("fencingToken", holder.fencingToken()).put("lease", holder.leaseId()).put("owner", holder.owner());
    }

    /** Someone else holds the lock: a 409. */
    static final class LockHeldException extends RuntimeException {

        private final transient LockHolder holder;

        LockHeldException(String name, LockHolder holder) {
            super("The lock '" + name + "' is held" + ((holder != null) ? " on lease " + holder.leaseId() : "")
                    + "; try again once it is freed or its lease expires");
            this.holder = holder;
        }

        LockHolder holder() {
            return holder;
        }
    }

    /** Nobody holds the lock: a 404 for GET. */
    static final class LockFreeException extends RuntimeException {

        LockFreeException(String name) {
            super("Nobody holds the lock '" + name + "'");
        }
    }
}
