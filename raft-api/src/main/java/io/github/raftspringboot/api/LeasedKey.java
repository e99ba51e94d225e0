package io.github.raftspringboot.api;

/**
 * A key attached to a lease.
 *
 * @param key        the key
 * @param leaseId    the lease it lives and dies with
 * @param attachedAt the Raft index of the write that attached it; for a key made by
 *                   {@link RaftLeases#putIfAbsent} (a lock), its creation index, which only grows from one holder to
 *                   the next: a fencing token
 */
public record LeasedKey(String key, long leaseId, long attachedAt) {
}
