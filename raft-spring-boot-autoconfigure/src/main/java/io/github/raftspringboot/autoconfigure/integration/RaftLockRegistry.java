package io.github.raftspringboot.autoconfigure.integration;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.LockRegistry;

import io.github.raftspringboot.api.RaftLocks;

/**
 * Spring Integration's {@link LockRegistry} on {@link RaftLocks}: {@code obtain("orders")} is the cluster-wide lock
 * {@code orders}, reentrant for the thread that holds it. A lock lives on a lease of the registry's TTL (or the one
 * given to {@link DistributedLock#lock(Duration)}), kept alive while held; a holder that dies loses it after that TTL.
 */
public final class RaftLockRegistry implements LockRegistry<DistributedLock> {

    private final RaftLocks locks;

    private final Duration ttl;

    private final Map<String, RaftRegistryLock> obtained = new ConcurrentHashMap<>();

    public RaftLockRegistry(RaftLocks locks, Duration ttl) {
        this.locks = locks;
        this.ttl = ttl;
    }

    @Override
    public RaftRegistryLock obtain(Object lockKey) {
        if (!(lockKey instanceof String name) || name.isEmpty()) {
            throw new IllegalArgumentException("A Raft lock key is a non-empty String, not " + lockKey);
        }
        return obtained.computeIfAbsent(name, key -> new RaftRegistryLock(locks, key, ttl));
    }
}
