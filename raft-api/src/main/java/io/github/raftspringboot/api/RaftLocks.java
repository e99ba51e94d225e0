package io.github.raftspringboot.api;

import java.time.Duration;
import java.util.Optional;

/**
 * Locks on leases: a lock is the key {@code _raft/locks/<name>}, created only if absent and attached to its holder's
 * lease, so a holder that dies loses it once its lease expires. Each acquisition carries a fencing token (the lock
 * key's creation index), which only grows from one holder to the next: pass it to the resource the lock protects
 * and let that refuse a token lower than one it has seen.
 */
public interface RaftLocks {

    /** The prefix of the keys that hold the locks. */
    String KEY_PREFIX = "_raft/locks/";

    /**
     * Takes the lock now if it is free, on a lease of {@code ttl} that this node keeps alive (every third of the TTL)
     * until {@link RaftLock#unlock()}; empty if someone else holds it.
     */
    Optional<RaftLock> tryLock(String name, Duration ttl);

    /**
     * Takes the lock now if it is free, on the caller's lease (which the caller keeps alive and which ends the lock
     * when it ends); empty if someone else holds it.
     *
     * @throws LeaseNotFoundException if the lease does not exist
     */
    Optional<LockHolder> tryLock(String name, long leaseId);

    /**
     * Waits up to {@code maxWait} for the lock, trying again as it is freed; empty if it was not free in time.
     */
    Optional<RaftLock> lock(String name, Duration ttl, Duration maxWait) throws InterruptedException;

    /** Who holds the lock, or empty if it is free. Linearizable. */
    Optional<LockHolder> holder(String name);

    /**
     * Frees the lock if it is held on lease {@code leaseId} (atomically: a lock taken since by someone else stays).
     *
     * @return whether it was held on that lease and is now free
     */
    boolean unlock(String name, long leaseId);
}
