package io.github.raftspringboot.engine.kv;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.RaftCompactedException;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.WatchEvent;

/**
 * The store's change history and the watches on it. The apply thread {@link #publish publishes} each write's
 * changes; a watch that starts from a past revision is given the history and then the live changes under one lock,
 * so it misses none and sees none twice. Listeners run on delivery threads ({@link WatchDelivery}), never the apply
 * thread.
 */
final class WatchHub {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Object lock = new Object();

    private final ChangeHistory.Bounds bounds;

    private final Set<WatchDelivery> watches = ConcurrentHashMap.newKeySet();

    /** Daemon threads that end when idle: the store has no close hook, and an idle hub must not hold threads. */
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "raft-watch-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private ChangeHistory history;

    WatchHub(ChangeHistory.Bounds bounds) {
        this.bounds = bounds;
        this.history = new ChangeHistory(bounds);
    }

    ChangeHistory.Bounds bounds() {
        return bounds;
    }

    /**
     * Starts a watch of the keys {@code filter} accepts from {@code fromRevision} (0: from the next change).
     *
     * @throws RaftCompactedException if the history no longer holds {@code fromRevision}
     */
    RaftWatch watch(Predicate<String> filter, long fromRevision, RaftWatchListener listener) {
        if (fromRevision < 0) {
            throw new IllegalArgumentException("fromRevision must be 0 (from the next change) or a revision, not "
                    + fromRevision);
        }
        if (listener == null) {
            throw new IllegalArgumentException("The watch listener must not be null");
        }
        synchronized (lock) {
            if (fromRevision > 0 && !history.covers(fromRevision)) {
                throw compacted(fromRevision, history);
            }
            WatchDelivery watch = new WatchDelivery(filter, fromRevision, listener, executor, watches::remove);
            if (fromRevision > 0) {
                watch.enqueue(history.since(fromRevision));
            }
            watches.add(watch);
            return watch;
        }
    }

    /**
     * Records one write's changes (all of one revision; {@code weight}: about their size as JSON) and hands them to
     * the watches. Called on the apply thread.
     */
    void publish(List<WatchEvent> changes, long weight) {
        if (changes.isEmpty()) {
            return;
        }
        synchronized (lock) {
            history.append(changes, weight);
            for (WatchDelivery watch : watches) {
                watch.enqueue(changes);
            }
        }
    }

    /**
     * Replaces the history with a restored one. Each watch goes on from the revision it expects next if the restored
     * state continues it (a snapshot installed on a node that lagged); it ends with a compacted error if the history
     * no longer holds that revision, or if the state went back (a backup older than the watch's position), since its
     * listener could not tell what changed.
     */
    void restore(ChangeHistory restored) {
        synchronized (lock) {
            history = restored;
            for (WatchDelivery watch : watches) {
                long next = watch.nextRevision();
                if (next == 0) {
                    continue;
                }
                if (!restored.covers(next)) {
                    watch.fail(compacted(next, restored));
                }
                else if (restored.lastRevision() < next - 1) {
                    watch.fail(new RaftException(RaftException.Reason.COMPACTED, "The store was restored to an "
                            + "earlier state (revision " + restored.lastRevision() + ") than this watch had reached ("
                            + (next - 1) + "): read the current values and watch again"));
                }
                else {
                    watch.enqueue(restored.since(next));
                }
            }
        }
    }

    private static RaftCompactedException compacted(long revision, ChangeHistory history) {
        if (history.oldestRevision() == Long.MAX_VALUE) {
            return new RaftCompactedException("Revision " + revision + " is not in this node's change history, which "
                    + "starts with the next write (the state was restored from a backup without history): read the "
                    + "current values and watch from 0 (the next change)", 0);
        }
        return new RaftCompactedException(revision, history.oldestRevision());
    }

    /** The history as a snapshot section. */
    ObjectNode historyJson() {
        synchronized (lock) {
            return history.toJson();
        }
    }

    /** The oldest revision a watch can start from now. */
    long oldestRevision() {
        synchronized (lock) {
            return history.oldestRevision();
        }
    }
}
