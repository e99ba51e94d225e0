package io.github.raftspringboot.autoconfigure.integration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.integration.support.locks.DistributedLock;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftLock;
import io.github.raftspringboot.api.RaftLocks;

/**
 * One lock of a {@link RaftLockRegistry}: a local {@link ReentrantLock} orders this application's threads, and the
 * thread that holds it also holds the cluster-wide {@link RaftLock} (taken on the first hold, freed on the last).
 */
public final class RaftRegistryLock implements DistributedLock {

    /** How long {@link #lock()} waits at a time before trying the cluster again. */
    private static final Duration WAIT_STEP = Duration.ofSeconds(5);

    private final RaftLocks locks;

    private final String name;

    private final Duration defaultTtl;

    private final ReentrantLock local = new ReentrantLock();

    /** Set and read by the thread holding {@link #local} only. */
    private RaftLock held;

    RaftRegistryLock(RaftLocks locks, String name, Duration defaultTtl) {
        this.locks = locks;
        this.name = name;
        this.defaultTtl = defaultTtl;
    }

    /** The fencing token of the current hold; valid only for the thread that holds the lock. */
    public long fencingToken() {
        if (!local.isHeldByCurrentThread() || held == null) {
            throw new IllegalMonitorStateException("The Raft lock '" + name + "' is not held by this thread");
        }
        return held.fencingToken();
    }

    @Override
    public void lock() {
        lock(defaultTtl);
    }

    @Override
    public void lock(Duration ttl) {
        local.lock();
        try {
            while (held == null) {
                held = locks.lock(name, ttl, WAIT_STEP).orElse(null);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            local.unlock();
            throw new RaftException(RaftException.Reason.TIMEOUT, "Interrupted while waiting for the Raft lock '"
                    + name + "'", null, ex);
        }
        catch (RuntimeException ex) {
            local.unlock();
            throw ex;
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        local.lockInterruptibly();
        try {
            while (held == null) {
                held = locks.lock(name, defaultTtl, WAIT_STEP).orElse(null);
            }
        }
        catch (InterruptedException | RuntimeException ex) {
            local.unlock();
            throw ex;
        }
    }

    @Override
    public boolean tryLock() {
        if (!local.tryLock()) {
            return false;
        }
        return takeOrRelease(() -> locks.tryLock(name, defaultTtl).orElse(null));
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryLock(Duration.ofNanos(unit.toNanos(time)), defaultTtl);
    }

    @Override
    public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
        long deadline = System.nanoTime() + waitTime.toNanos();
        if (!local.tryLock(waitTime.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        try {
            return takeOrRelease(() -> {
                try {
                    return locks.lock(name, ttl, left).orElse(null);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            });
        }
        finally {
            if (Thread.interrupted()) {
                throw new InterruptedException("Interrupted while waiting for the Raft lock '" + name + "'");
            }
        }
    }

    /** With {@link #local} just taken: takes the cluster lock unless this thread already has it. */
    private boolean takeOrRelease(java.util.function.Supplier<RaftLock> take) {
        if (held != null) {
            return true;
        }
        try {
            held = take.get();
        }
        catch (RuntimeException ex) {
            local.unlock();
            throw ex;
        }
        if (held == null) {
            local.unlock();
            return false;
        }
        return true;
    }

    /**
     * Releases one hold; the last frees the cluster lock.
     *
     * @throws IllegalStateException after freeing it, if the lease had been lost while held (the work done under the
     *                               lock may have overlapped another holder's: the fencing token tells)
     */
    @Override
    public void unlock() {
        if (!local.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("The Raft lock '" + name + "' is not held by this thread");
        }
        if (local.getHoldCount() > 1) {
            local.unlock();
            return;
        }
        RaftLock releasing = held;
        held = null;
        local.unlock();
        boolean wasHeld = releasing.isHeld();
        releasing.unlock();
        if (!wasHeld) {
            throw new IllegalStateException("The Raft lock '" + name + "' was lost while held: its lease of "
                    + releasing.leaseId() + " could not be kept alive");
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("Raft locks have no conditions");
    }

    @Override
    public String toString() {
        return "RaftRegistryLock[" + name + "]";
    }
}
