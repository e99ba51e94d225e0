package io.github.raftspringboot.engine.lock;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.LeaseNotFoundException;
import io.github.raftspringboot.api.LockHolder;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLock;

/** A lock this node holds: its lease is kept alive every third of the TTL until it is unlocked or lost. */
final class HeldLock implements RaftLock {

    private static final Logger log = LoggerFactory.getLogger(HeldLock.class);

    private final LockHolder holder;

    private final long ttlNanos;

    private final RaftLeases leases;

    private final ScheduledFuture<?> keepAlive;

    /** When the last confirmed keep-alive (or the grant) was asked for: the lease lives at least a TTL from then. */
    private volatile long confirmedAt;

    private volatile boolean ended;

    HeldLock(LockHolder holder, Duration ttl, long requestedAt, RaftLeases leases, ScheduledExecutorService scheduler) {
        this.holder = holder;
        this.ttlNanos = ttl.toNanos();
        this.leases = leases;
        this.confirmedAt = requestedAt;
        long period = Math.max(1, ttl.toMillis() / 3);
        this.keepAlive = scheduler.scheduleWithFixedDelay(this::keepAlive, period, period, TimeUnit.MILLISECONDS);
    }

    private void keepAlive() {
        if (ended) {
            return;
        }
        long asked = System.nanoTime();
        try {
            leases.keepAlive(holder.leaseId());
            confirmedAt = asked;
        }
        catch (LeaseNotFoundException ex) {
            log.warn("Lost lock '{}': its lease {} expired", holder.name(), holder.leaseId());
            end();
        }
        catch (RaftException ex) {
            // Tried again next period; isHeld() turns false if it keeps failing for a TTL.
            log.debug("Could not keep lock '{}' alive: {}", holder.name(), ex.getMessage());
        }
    }

    @Override
    public String name() {
        return holder.name();
    }

    @Override
    public long fencingToken() {
        return holder.fencingToken();
    }

    @Override
    public long leaseId() {
        return holder.leaseId();
    }

    @Override
    public Duration remaining() {
        return ended ? Duration.ZERO : Duration.ofNanos(Math.max(0, ttlNanos - (System.nanoTime() - confirmedAt)));
    }

    @Override
    public boolean isHeld() {
        return !ended && System.nanoTime() - confirmedAt < ttlNanos;
    }

    @Override
    public void unlock() {
        if (!ended) {
            end();
            leases.revoke(holder.leaseId());
        }
    }

    private void end() {
        ended = true;
        keepAlive.cancel(false);
    }

    @Override
    public String toString() {
        return "RaftLock[" + holder + "]";
    }
}
