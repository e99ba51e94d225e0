package io.github.raftspringboot.engine.lock;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftCandidate;
import io.github.raftspringboot.api.RaftElections;
import io.github.raftspringboot.api.RaftLock;
import io.github.raftspringboot.api.RaftLocks;

/**
 * A candidate in one election. Every tick (a tenth of the TTL) on the elections' thread: a loser tries to take the
 * election's lock; a winner steps down when less than two ticks of its lease are certain, so that it has said so
 * before the lease can expire and another candidate win.
 */
final class Candidate implements RaftCandidate {

    private static final Logger log = LoggerFactory.getLogger(Candidate.class);

    private final String election;

    private final String lockName;

    private final Duration ttl;

    private final RaftElections.Listener listener;

    private final RaftLocks locks;

    private final ScheduledExecutorService executor;

    private final Duration tick;

    private final ScheduledFuture<?> campaign;

    /** Touched on the elections' thread only. */
    private RaftLock lock;

    private volatile long fencingToken;

    private volatile boolean resigned;

    Candidate(String election, String lockName, Duration ttl, RaftElections.Listener listener, RaftLocks locks,
            ScheduledExecutorService executor) {
        this.election = election;
        this.lockName = lockName;
        this.ttl = ttl;
        this.listener = listener;
        this.locks = locks;
        this.executor = executor;
        this.tick = ttl.dividedBy(10);
        this.campaign = executor.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (resigned) {
            return;
        }
        try {
            if (lock != null) {
                if (lock.remaining().compareTo(tick.multipliedBy(2)) < 0) {
                    log.warn("Stepping down in election '{}': the lease could not be kept alive", election);
                    stepDown();
                }
                return;
            }
            lock = locks.tryLock(lockName, ttl).orElse(null);
            if (lock != null) {
                fencingToken = lock.fencingToken();
                listener.elected(this, fencingToken);
            }
        }
        catch (RuntimeException ex) {
            // The next tick tries again (no leader for a moment, a timeout).
            log.debug("Election '{}' tick failed: {}", election, ex.toString());
        }
    }

    /** Ends this term as winner and tells the listener; on the elections' thread. */
    private void stepDown() {
        RaftLock ended = lock;
        lock = null;
        fencingToken = 0;
        try {
            listener.defeated(this);
        }
        finally {
            ended.unlock();
        }
    }

    @Override
    public String election() {
        return election;
    }

    @Override
    public boolean isLeader() {
        return fencingToken != 0;
    }

    @Override
    public long fencingToken() {
        return fencingToken;
    }

    @Override
    public void resign() {
        if (resigned) {
            return;
        }
        resigned = true;
        campaign.cancel(false);
        if (Thread.currentThread().getName().equals(LeaseElections.THREAD_NAME)) {
            // A listener resigning from its own callback: already on the elections' thread.
            if (lock != null) {
                stepDown();
            }
            return;
        }
        try {
            executor.submit(() -> {
                if (lock != null) {
                    stepDown();
                }
            }).get(ttl.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            log.warn("Could not resign cleanly from election '{}': {}", election, ex.toString());
        }
    }
}
