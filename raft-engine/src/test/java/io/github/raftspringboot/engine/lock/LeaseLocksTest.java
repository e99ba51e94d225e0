package io.github.raftspringboot.engine.lock;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.Lease;
import io.github.raftspringboot.api.LeaseNotFoundException;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLock;
import io.github.raftspringboot.api.WriteResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * A lock whose acquisition was slow (a new leader, a loaded machine: the verify run of 0306f09 saw a lock that was no
 * longer "held" when tryLock returned it) is renewed once before it is handed over.
 */
class LeaseLocksTest {

    private static final Duration TTL = Duration.ofMillis(600);

    private final RaftLeases leases = mock(RaftLeases.class);

    private final LeaseLocks locks = new LeaseLocks(leases, mock(RaftKeyValueStore.class), "node1");

    @AfterEach
    void close() {
        locks.close();
    }

    @Test
    void aSlowAcquisitionIsRenewedBeforeTheLockIsHandedOver() {
        given(leases.grant(TTL)).willReturn(new Lease(7, TTL, TTL, List.of()));
        given(leases.putIfAbsent(eq("_raft/locks/exports"), any(), eq(7L))).willAnswer(invocation -> {
            waitOut(TTL); // the write takes longer than the TTL
            return new WriteResult(12, true);
        });
        given(leases.keepAlive(7)).willReturn(new Lease(7, TTL, TTL, List.of("_raft/locks/exports")));

        Optional<RaftLock> lock = locks.tryLock("exports", TTL);

        assertThat(lock).isPresent();
        assertThat(lock.get().isHeld()).isTrue();
        assertThat(lock.get().fencingToken()).isEqualTo(12);
        verify(leases).keepAlive(7);
    }

    @Test
    void aLockWhoseLeaseExpiredDuringASlowAcquisitionIsNotHandedOver() {
        given(leases.grant(TTL)).willReturn(new Lease(8, TTL, TTL, List.of()));
        given(leases.putIfAbsent(eq("_raft/locks/exports"), any(), eq(8L))).willAnswer(invocation -> {
            waitOut(TTL);
            return new WriteResult(13, true);
        });
        willThrow(new LeaseNotFoundException(8)).given(leases).keepAlive(8);

        assertThat(locks.tryLock("exports", TTL)).isEmpty();
    }

    @Test
    void aQuickAcquisitionNeedsNoExtraRenewal() {
        Duration ttl = Duration.ofMinutes(1);
        given(leases.grant(ttl)).willReturn(new Lease(9, ttl, ttl, List.of()));
        given(leases.putIfAbsent(eq("_raft/locks/exports"), any(), eq(9L))).willReturn(new WriteResult(14, true));

        assertThat(locks.tryLock("exports", ttl)).get().satisfies(lock -> assertThat(lock.isHeld()).isTrue());
        verify(leases, never()).keepAlive(anyLong());
    }

    /** The latency of a slow write, simulated: not a synchronisation. */
    private static void waitOut(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(end - System.nanoTime());
        }
    }
}
