package io.github.raftspringboot.engine.kv;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.WatchEvent;

/**
 * One watch: a queue the apply thread fills and a delivery task that empties it into the listener, one event at a
 * time and in order. A listener that falls {@link #MAX_PENDING} events behind is ended with an error that says where
 * to resume, so a stuck listener cannot exhaust the memory of the node.
 */
final class WatchDelivery implements RaftWatch {

    static final int MAX_PENDING = 100_000;

    private static final Logger logger = LoggerFactory.getLogger(WatchDelivery.class);

    private final Predicate<String> filter;

    /** The first revision the watch wants: a node that is still replaying its log publishes older ones. */
    private final long fromRevision;

    private final RaftWatchListener listener;

    private final Executor executor;

    private final Consumer<WatchDelivery> onEnd;

    /** Holds {@link WatchEvent}s, then at most one {@link RaftException} that ends the watch. */
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();

    private final AtomicInteger pending = new AtomicInteger();

    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** Cancelled by its owner: nothing more is delivered. */
    private volatile boolean cancelled;

    /** Ended by an error: what is queued up to the error is still delivered, nothing after it. */
    private volatile boolean failed;

    /** The revision after the last one queued (0 until one is): where the watch goes on after a restore. */
    private long nextRevision;

    WatchDelivery(Predicate<String> filter, long fromRevision, RaftWatchListener listener, Executor executor,
            Consumer<WatchDelivery> onEnd) {
        this.filter = filter;
        this.fromRevision = fromRevision;
        this.listener = listener;
        this.executor = executor;
        this.onEnd = onEnd;
    }

    /** Queues the events this watch wants, in order. Called under the hub's lock. */
    void enqueue(List<WatchEvent> events) {
        if (cancelled || failed || events.isEmpty()) {
            return;
        }
        long first = events.get(0).revision();
        for (WatchEvent event : events) {
            if (event.revision() >= fromRevision && filter.test(event.key())) {
                if (pending.incrementAndGet() > MAX_PENDING) {
                    fail(new RaftException(RaftException.Reason.COMPACTED, "The watch listener fell more than "
                            + MAX_PENDING + " events behind and was stopped: watch again from revision "
                            + Math.max(first, nextRevision)));
                    return;
                }
                queue.add(event);
            }
        }
        nextRevision = events.get(events.size() - 1).revision() + 1;
        schedule();
    }

    long nextRevision() {
        return Math.max(nextRevision, fromRevision);
    }

    /** Ends the watch with {@code error} once the events queued before it are delivered. */
    void fail(RaftException error) {
        if (cancelled || failed) {
            return;
        }
        queue.add(error);
        failed = true;
        onEnd.accept(this);
        schedule();
    }

    @Override
    public void cancel() {
        cancelled = true;
        onEnd.accept(this);
    }

    @Override
    public boolean isCancelled() {
        return cancelled || failed;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            Object next;
            while ((next = queue.poll()) != null) {
                if (next instanceof RaftException error) {
                    queue.clear();
                    try {
                        listener.onError(error);
                    }
                    catch (RuntimeException ex) {
                        logger.warn("A watch listener failed on the error that ended its watch ({})",
                                error.getMessage(), ex);
                    }
                    return;
                }
                pending.decrementAndGet();
                if (cancelled) {
                    // Cancelled by its owner: the rest is dropped.
                    queue.clear();
                    return;
                }
                deliver((WatchEvent) next);
            }
        }
        finally {
            scheduled.set(false);
            if (!queue.isEmpty() && !cancelled) {
                schedule();
            }
        }
    }

    private void deliver(WatchEvent event) {
        try {
            listener.onEvent(event);
        }
        catch (RuntimeException ex) {
            // The listener's own failure: reported, and the watch goes on with the next change.
            logger.warn("A watch listener failed on the change of '{}' at revision {}", event.key(), event.revision(), ex);
        }
    }
}
