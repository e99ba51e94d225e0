package io.github.raftspringboot.engine.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.github.raftspringboot.api.LockHolder;
import io.github.raftspringboot.api.RaftCandidate;
import io.github.raftspringboot.api.RaftElections;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLocks;

/** {@link RaftElections} as locks named {@code elections/<name>}: the holder of the lock is the winner. */
public final class LeaseElections implements RaftElections, AutoCloseable {

    static final String LOCK_PREFIX = "elections/";

    static final String THREAD_NAME = "raft-elections";

    private final RaftLocks locks;

    private final ScheduledExecutorService campaigns;

    private final Set<Candidate> candidates = ConcurrentHashMap.newKeySet();

    public LeaseElections(RaftLocks locks) {
        this.locks = locks;
        this.campaigns = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public RaftCandidate campaign(String name, Duration ttl, Listener listener) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("An election needs a name: a non-empty string such as \"billing\"");
        }
        if (listener == null) {
            throw new IllegalArgumentException("campaign needs a listener to tell of wins and defeats");
        }
        if (ttl == null || ttl.compareTo(RaftLeases.MIN_TTL) < 0 || ttl.compareTo(RaftLeases.MAX_TTL) > 0) {
            throw new IllegalArgumentException("An election's TTL must be from 1 s to 24 h, not " + ttl);
        }
        Candidate candidate = new Candidate(name, LOCK_PREFIX + name, ttl, listener, locks, campaigns);
        candidates.add(candidate);
        return candidate;
    }

    @Override
    public Optional<LockHolder> leader(String name) {
        return locks.holder(LOCK_PREFIX + name);
    }

    /** Resigns every candidacy (a winner steps down and says so), then stops. */
    @Override
    public void close() {
        candidates.forEach(Candidate::resign);
        campaigns.shutdownNow();
    }
}
