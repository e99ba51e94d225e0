package io.github.raftspringboot.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Leases (etcd's model): a lease lives for its TTL unless kept alive; the keys attached to it are deleted on every
 * node when it expires or is revoked, in the same log entry. Grant, keep-alive, revoke and expiry are log entries.
 * Only the leader decides that a lease expired, from its own clock; a new leader first gives every lease its whole
 * TTL again, so a leader change never expires a live holder early (it may expire a dead one up to a TTL late).
 * <p>
 * Every method works on any node and blocks for at most {@code raft.request-timeout}, like {@link RaftKeyValueStore}.
 * An unknown, expired or revoked lease fails with {@link LeaseNotFoundException}; a TTL outside
 * [{@link #MIN_TTL}, {@link #MAX_TTL}] with {@link IllegalArgumentException}.
 */
public interface RaftLeases {

    /** The shortest TTL: shorter would expire under an ordinary election. */
    Duration MIN_TTL = Duration.ofSeconds(1);

    /** The longest TTL. */
    Duration MAX_TTL = Duration.ofHours(24);

    /** Grants a lease of {@code ttl} (whole milliseconds); its id is chosen by the log (the grant's index). */
    Lease grant(Duration ttl);

    /**
     * Grants a lease with an id the caller chose (a positive number), e.g. one derived from a process id.
     *
     * @throws IllegalArgumentException if a lease with that id exists
     */
    Lease grant(long leaseId, Duration ttl);

    /** Starts the lease's TTL again, from now. */
    Lease keepAlive(long leaseId);

    /** Deletes the lease and its keys; {@code false} if it did not exist (any more). */
    boolean revoke(long leaseId);

    /** The lease with its time left, or empty if it does not exist (any more). Linearizable. */
    Optional<Lease> timeToLive(long leaseId);

    /** Every lease, by id. Linearizable. */
    List<Lease> list();

    /** Sets {@code key} and attaches it to the lease (a put without a lease, or a delete, detaches it). */
    WriteResult put(String key, Object value, long leaseId);

    /**
     * Creates {@code key}, attached to the lease, only if it does not exist: {@link WriteResult#changed()} says
     * whether it was created, and then {@link WriteResult#index()} is its creation index.
     */
    WriteResult putIfAbsent(String key, Object value, long leaseId);

    /** The lease {@code key} is attached to, or empty. Linearizable. */
    Optional<LeasedKey> leaseOf(String key);
}
