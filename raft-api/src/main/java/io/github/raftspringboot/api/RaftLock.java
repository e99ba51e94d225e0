package io.github.raftspringboot.api;

/** A lock held by this application ({@link RaftLocks#tryLock}); close it to unlock. */
public interface RaftLock extends AutoCloseable {

    String name();

    /** The fencing token of this acquisition: higher than that of every earlier holder of the lock. */
    long fencingToken();

    /** The lease the lock lives on. */
    long leaseId();

    /**
     * How long the lock is certainly still this holder's: a TTL from the last keep-alive the cluster confirmed, as
     * measured on this node ({@link java.time.Duration#ZERO} once unlocked or lost).
     */
    java.time.Duration remaining();

    /**
     * Whether this holder may still consider the lock its own: not unlocked, and its lease was last kept alive less
     * than a TTL ago (it cannot have expired). Turns {@code false} for good when the lease is lost.
     */
    boolean isHeld();

    /** Frees the lock (revokes its lease). Idempotent. */
    void unlock();

    @Override
    default void close() {
        unlock();
    }
}
