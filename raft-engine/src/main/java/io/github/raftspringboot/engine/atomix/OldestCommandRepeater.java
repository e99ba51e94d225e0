package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.CommandRequest;
import io.atomix.protocols.raft.protocol.RaftResponse;

/**
 * After requests were carried over to a new leader, sends that leader, every heartbeat for a while, one copy of each
 * session's oldest unanswered command. A new leader parks a command whose predecessor in the session it has not
 * applied yet (it learns that the predecessor committed only when its own first entry commits) and takes the parked
 * ones up only when a request of the session arrives for a sequence number it can go on from: without a copy, the
 * writes waited for the session's next keep-alive, seconds later. One copy of the oldest is enough, as the leader
 * then takes up every parked command that follows it. Copying every carried-over request instead (hundreds under
 * load) kept a starved leader too busy to send its heartbeats in time.
 * <p>
 * The copy is the same request (same session, same sequence number), which the leader answers from the one pending
 * or applied command, as it does for Atomix's own resubmissions. Only an OK answer of a copy is taken.
 */
final class OldestCommandRepeater {

    private final Collection<InFlightRequest<?, ?>> inFlight;

    private final Duration every;

    private final Duration window;

    private final AtomicBoolean running = new AtomicBoolean();

    /** {@link System#nanoTime()} until which copies are sent. */
    private volatile long until;

    /**
     * @param inFlight the requests not answered yet
     * @param every    how often a copy is sent
     * @param window   for how long after the last carry-over
     */
    OldestCommandRepeater(Collection<InFlightRequest<?, ?>> inFlight, Duration every, Duration window) {
        this.inFlight = inFlight;
        this.every = every;
        this.window = window;
    }

    /** Requests were just carried over to a new leader. */
    void carriedOver() {
        until = System.nanoTime() + window.toNanos();
        if (running.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        CompletableFuture.delayedExecutor(every.toNanos(), TimeUnit.NANOSECONDS).execute(this::tick);
    }

    private void tick() {
        if (System.nanoTime() - until < 0) {
            oldestPerSession().values().forEach(OldestCommandRepeater::copy);
            schedule();
            return;
        }
        running.set(false);
        // A carry-over between the check and the reset would otherwise go without copies.
        if (System.nanoTime() - until < 0 && running.compareAndSet(false, true)) {
            schedule();
        }
    }

    private Map<Long, InFlightRequest<?, ?>> oldestPerSession() {
        Map<Long, InFlightRequest<?, ?>> oldest = new HashMap<>();
        for (InFlightRequest<?, ?> flight : inFlight) {
            if (!flight.isAnswered() && flight.request() instanceof CommandRequest command) {
                oldest.merge(command.session(), flight,
                        (a, b) -> (sequence(a) <= sequence(b)) ? a : b);
            }
        }
        return oldest;
    }

    private static long sequence(InFlightRequest<?, ?> flight) {
        return ((CommandRequest) flight.request()).sequenceNumber();
    }

    private static <T, R extends RaftResponse> void copy(InFlightRequest<T, R> flight) {
        MemberId target = flight.target();
        if (target == null) {
            return; // waiting for a leader
        }
        flight.sendTo(target).whenComplete((response, error) -> {
            if (error == null && response.status() == RaftResponse.Status.OK) {
                flight.complete(response, null);
            }
        });
    }
}
