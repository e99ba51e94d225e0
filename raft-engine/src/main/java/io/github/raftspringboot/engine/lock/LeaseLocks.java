package io.github.raftspringboot.engine.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import tools.jackson.databind.JsonNode;

import io.github.raftspringboot.api.Lease;
import io.github.raftspringboot.api.LeasedKey;
import io.github.raftspringboot.api.LeaseNotFoundException;
import io.github.raftspringboot.api.LockHolder;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLock;
import io.github.raftspringboot.api.RaftLocks;
import io.github.raftspringboot.api.WriteResult;
import io.github.raftspringboot.engine.kv.KeyTooLongException;

/**
 * {@link RaftLocks} on {@link RaftLeases}: a lock is a key created if absent on its holder's lease, whose value names
 * the owner and the lease ({@code {"owner":"node1/…","lease":42}}), so that an unlock can compare-and-delete it.
 */
public final class LeaseLocks implements RaftLocks, AutoCloseable {

    private static final Duration FIRST_RETRY = Duration.ofMillis(50);

    private static final Duration LONGEST_RETRY = Duration.ofMillis(500);

    private final RaftLeases leases;

    private final RaftKeyValueStore store;

    private final String nodeId;

    private final ScheduledExecutorService keepAlives;

    public LeaseLocks(RaftLeases leases, RaftKeyValueStore store, String nodeId) {
        this.leases = leases;
        this.store = store;
        this.nodeId = nodeId;
        this.keepAlives = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "raft-lock-keepalive");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The key of lock {@code name}. */
    public static String key(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A lock needs a name: a non-empty string such as \"orders-export\"");
        }
        return KEY_PREFIX + name;
    }

    @Override
    public Optional<RaftLock> tryLock(String name, Duration ttl) {
        String key = key(name);
        long requested = System.nanoTime();
        Lease lease = leases.grant(ttl);
        try {
            Optional<LockHolder> taken = take(name, key, lease.id());
            if (taken.isEmpty()) {
                leases.revoke(lease.id());
                return Optional.empty();
            }
            long confirmed = requested;
            if (System.nanoTime() - requested > ttl.toNanos() / 3) {
                // A slow acquisition (a new leader, a loaded machine) used up much of the TTL, and the lock would
                // look lost as soon as it is handed over: renew the lease once first, so that the caller gets a
                // whole TTL, or learns now that the lease, and with it the lock, is already gone.
                long asked = System.nanoTime();
                try {
                    leases.keepAlive(lease.id());
                    confirmed = asked;
                }
                catch (LeaseNotFoundException ex) {
                    return Optional.empty();
                }
            }
            return Optional.of(new HeldLock(taken.get(), ttl, confirmed, leases, keepAlives));
        }
        catch (RuntimeException ex) {
            leases.revoke(lease.id());
            throw ex;
        }
    }

    @Override
    public Optional<LockHolder> tryLock(String name, long leaseId) {
        return take(name, key(name), leaseId);
    }

    private Optional<LockHolder> take(String name, String key, long leaseId) {
        String owner = nodeId + "/" + UUID.randomUUID();
        Map<String, Object> value = Map.of("owner", owner, "lease", leaseId);
        var written = putIfAbsent(name, key, value, leaseId);
        return written.changed() ? Optional.of(new LockHolder(name, owner, leaseId, written.index()))
                : Optional.empty();
    }

    /** The store's check of the key speaks of the key; say that it is the lock's name, and what the key adds. */
    private WriteResult putIfAbsent(String name, String key, Map<String, Object> value, long leaseId) {
        try {
            return leases.putIfAbsent(key, value, leaseId);
        }
        catch (KeyTooLongException ex) {
            throw new IllegalArgumentException("The lock name is too long: its key (\"" + KEY_PREFIX + "\" and the "
                    + "name, " + (key.getBytes(StandardCharsets.UTF_8).length - KEY_PREFIX.length()) + " bytes of "
                    + "name) is over the store's key limit. " + ex.getMessage(), ex);
        }
    }

    @Override
    public Optional<RaftLock> lock(String name, Duration ttl, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        Duration pause = FIRST_RETRY;
        while (true) {
            Optional<RaftLock> lock = tryLock(name, ttl);
            long left = deadline - System.nanoTime();
            if (lock.isPresent() || left <= 0) {
                return lock;
            }
            // Polling: the store has no watch to wake us when the key goes.
            Thread.sleep(Math.min(pause.toMillis(), Math.max(1, left / 1_000_000)));
            pause = (pause.compareTo(LONGEST_RETRY) < 0) ? pause.multipliedBy(2) : LONGEST_RETRY;
        }
    }

    @Override
    public Optional<LockHolder> holder(String name) {
        String key = key(name);
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<LeasedKey> attached = leases.leaseOf(key);
            if (attached.isEmpty()) {
                return Optional.empty();
            }
            Optional<JsonNode> value = store.get(key);
            // Both reads describe the same acquisition unless the lock changed hands between them.
            if (value.isPresent() && value.get().path("lease").asLong() == attached.get().leaseId()) {
                return Optional.of(new LockHolder(name, value.get().path("owner").asString(),
                        attached.get().leaseId(), attached.get().attachedAt()));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean unlock(String name, long leaseId) {
        String key = key(name);
        Optional<JsonNode> value = store.get(key);
        if (value.isEmpty() || value.get().path("lease").asLong() != leaseId) {
            return false;
        }
        return store.compareAndSet(key, value.get(), null).changed();
    }

    @Override
    public void close() {
        keepAlives.shutdownNow();
    }
}
