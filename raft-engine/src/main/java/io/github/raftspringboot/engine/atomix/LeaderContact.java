package io.github.raftspringboot.engine.atomix;

import java.time.Duration;

/**
 * When this node last heard from a leader, noted as the leader's messages arrive on the peer port (appends,
 * snapshot chunks, {@link LeaderBeats beats}), before the Raft thread takes them up. Atomix resets a follower's
 * election timer only once its Raft thread has handled an append (written it, and with our hooks made it durable),
 * so a follower busy with a large batch can see its timer run out while the leader's next messages are already
 * here; this is what tells such a follower that the leader is alive. It only ever holds an election back while a
 * leader of the current term is heard, so a leader that is gone is replaced as before.
 */
final class LeaderContact {

    private long term = -1;

    private long heardNanos;

    /** A message of a leader of {@code term} arrived now. */
    synchronized void heard(long term) {
        if (term >= this.term) {
            this.term = term;
            this.heardNanos = System.nanoTime();
        }
    }

    /** Whether a leader of {@code term} or later was heard less than {@code window} ago. */
    synchronized boolean heardWithin(long term, Duration window) {
        return this.term >= term && this.term >= 0 && System.nanoTime() - heardNanos < window.toNanos();
    }

    /** Milliseconds since the last message of a leader, or -1 if none came yet. */
    synchronized long millisSinceHeard() {
        return (term < 0) ? -1 : (System.nanoTime() - heardNanos) / 1_000_000;
    }

    /** The term of the last leader heard, or -1. */
    synchronized long term() {
        return term;
    }
}
