package io.github.raftspringboot.api;

import java.time.Duration;
import java.util.List;

/**
 * A lease: a time-to-live that its holder keeps alive, and the keys attached to it, which are deleted on every node
 * when the lease expires or is revoked.
 *
 * @param id        the lease id: the Raft index of the entry that granted it (unique, never reused)
 * @param ttl       how long the lease lives without a keep-alive
 * @param remaining how long it has left as the node that answered sees it (the leader, for a linearizable read);
 *                  a new leader starts every lease's clock again, so it may grow back to {@code ttl}
 * @param keys      the keys attached to the lease, sorted
 */
public record Lease(long id, Duration ttl, Duration remaining, List<String> keys) {

    public Lease {
        keys = List.copyOf(keys);
    }
}
