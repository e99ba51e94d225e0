package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's heartbeats while an append is on its way. Atomix's leader sends a follower no heartbeat while an
 * append to it is unanswered (the append counts as one), so with batches of hundreds of kilobytes per entry a
 * follower whose Raft thread is writing and syncing them heard nothing for longer than an election timeout, and
 * started an election (issue 17: 2-8 leader changes while loading 1 M keys). Here, every heartbeat interval, each
 * follower with a request of this leader unanswered for that long gets a beat: a tiny message that its transport
 * notes ({@link LeaderContact}) without waiting for its Raft thread. Beats stop once a follower has answered
 * nothing for {@code giveUpAfter}, so that a follower cut off from the leader's answers still elects a new one.
 */
final class LeaderBeats implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(LeaderBeats.class);

    private final Duration interval;

    private final long giveUpAfterNanos;

    private final BiFunction<String, Long, CompletableFuture<?>> sendBeat;

    private final Map<String, Follower> followers = new ConcurrentHashMap<>();

    private volatile ScheduledExecutorService timer;

    /**
     * @param interval    the heartbeat interval
     * @param giveUpAfter how long a follower may leave requests unanswered before beats to it stop
     * @param sendBeat    sends a beat of a term to a member
     */
    LeaderBeats(Duration interval, Duration giveUpAfter, BiFunction<String, Long, CompletableFuture<?>> sendBeat) {
        this.interval = interval;
        this.giveUpAfterNanos = giveUpAfter.toNanos();
        this.sendBeat = sendBeat;
    }

    void start(String nodeId) {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "raft-beats-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
        started.scheduleWithFixedDelay(this::beatSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        this.timer = started;
    }

    /** Notes a request of the leader of {@code term} to {@code memberId} until its answer. */
    <R> CompletableFuture<R> track(String memberId, long term, CompletableFuture<R> answer) {
        Follower follower = followers.computeIfAbsent(memberId, Follower::new);
        follower.sent(term);
        answer.whenComplete((reply, error) -> follower.answered(error == null));
        return answer;
    }

    /** A failure must not end the schedule. */
    private void beatSafely() {
        try {
            beat();
        }
        catch (RuntimeException ex) {
            logger.warn("Could not send the leader's beats: {}", ex.toString());
        }
    }

    private void beat() {
        long now = System.nanoTime();
        for (Follower follower : followers.values()) {
            long term = follower.beatDue(now, interval.toNanos(), giveUpAfterNanos);
            if (term < 0) {
                continue;
            }
            CompletableFuture<?> sent;
            try {
                sent = sendBeat.apply(follower.memberId, term);
            }
            catch (RuntimeException ex) {
                sent = CompletableFuture.failedFuture(ex);
            }
            sent.whenComplete((reply, error) -> {
                follower.beatDone();
                if (error != null) {
                    logger.debug("Could not send a beat to {}: {}", follower.memberId, error.toString());
                }
            });
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService current = timer;
        if (current != null) {
            current.shutdownNow();
        }
    }

    /** What the leader sent one follower and when it last heard back. */
    private static final class Follower {

        private final String memberId;

        private int unanswered;

        private long term;

        /** The last request or beat sent. */
        private long sentNanos;

        /** The last answer, or the start of the current wait for one. */
        private long answeredNanos;

        private boolean beatInFlight;

        Follower(String memberId) {
            this.memberId = memberId;
        }

        synchronized void sent(long term) {
            long now = System.nanoTime();
            if (unanswered == 0) {
                answeredNanos = now;
            }
            unanswered++;
            this.term = term;
            sentNanos = now;
        }

        synchronized void answered(boolean ok) {
            unanswered--;
            if (ok) {
                answeredNanos = System.nanoTime();
            }
        }

        /** The term to beat with now, or -1 when no beat is due. */
        synchronized long beatDue(long now, long intervalNanos, long giveUpAfterNanos) {
            if (unanswered == 0 || beatInFlight || now - sentNanos < intervalNanos
                    || now - answeredNanos >= giveUpAfterNanos) {
                return -1;
            }
            beatInFlight = true;
            sentNanos = now;
            return term;
        }

        synchronized void beatDone() {
            beatInFlight = false;
        }
    }
}
