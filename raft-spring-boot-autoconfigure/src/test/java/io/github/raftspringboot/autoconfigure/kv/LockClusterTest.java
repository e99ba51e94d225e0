package io.github.raftspringboot.autoconfigure.kv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import io.github.raftspringboot.api.Lease;
import io.github.raftspringboot.api.LockHolder;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftLeases;
import io.github.raftspringboot.api.RaftLock;
import io.github.raftspringboot.api.RaftLocks;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Locks on a real 3-node cluster: workers on every node contend for one lock, some holders crash (stop keeping their
 * lease alive without unlocking), the Raft leader is stopped mid-run. From the recorded history: no two holds
 * overlap, and fencing tokens strictly increase from one holder to the next.
 */
class LockClusterTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    private static final String LOCK = "report";

    /**
     * One hold: from when {@code tryLock} returned to when the holder stopped relying on it: just before its unlock,
     * or, for a crash, a TTL after its last acknowledged keep-alive (or grant) was sent: the lease cannot expire
     * earlier. A keep-alive that failed may not have been applied, so it does not count (counted, a failover that cut
     * one off made the test see the next holder 26 ms "before" a lease it had never renewed ran out).
     */
    record Hold(String worker, long token, long from, long to, boolean crashed) {
    }

    @Test
    void holdsNeverOverlapAndFencingTokensGrowAcrossCrashes(@TempDir Path dir) throws Exception {
        Queue<Hold> history = new ConcurrentLinkedQueue<>();
        try (RaftTestCluster cluster = RaftTestCluster.builder(App.class).nodes(3).stateDirectory(dir).start()) {
            String leader = cluster.awaitLeader();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService workers = Executors.newFixedThreadPool(4);
            List<String> nodes = cluster.running();
            for (int w = 0; w < 4; w++) {
                String node = nodes.get(w % nodes.size());
                String name = "w" + w + "@" + node;
                RaftLeases leases = cluster.bean(node, RaftLeases.class);
                RaftLocks locks = cluster.bean(node, RaftLocks.class);
                workers.submit(() -> work(name, leases, locks, running, history));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> history.size() >= 6);
            cluster.stop(leader);
            int beforeFailover = history.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> history.size() >= beforeFailover + 6
                    && history.stream().skip(beforeFailover).anyMatch(Hold::crashed));
            running.set(false);
            workers.shutdown();
            assertThat(workers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        List<Hold> holds = new ArrayList<>(history);
        holds.sort(Comparator.comparingLong(Hold::from));
        assertThat(holds).anyMatch(Hold::crashed).anyMatch(hold -> !hold.crashed());
        for (int i = 1; i < holds.size(); i++) {
            Hold previous = holds.get(i - 1);
            Hold next = holds.get(i);
            assertThat(next.from() - previous.to()).as("%s taken before %s let go", next, previous)
                .isGreaterThanOrEqualTo(0);
            assertThat(next.token()).as("fencing token of %s after %s", next, previous)
                .isGreaterThan(previous.token());
        }
    }

    /** Takes the lock on its own lease, works a little while keeping the lease alive, then unlocks or "crashes". */
    private static void work(String name, RaftLeases leases, RaftLocks locks, AtomicBoolean running,
            Queue<Hold> history) {
        while (running.get()) {
            long lastKeepAliveSent = 0;
            long sending;
            Long token = null;
            long from = 0;
            boolean recorded = false;
            try {
                sending = System.nanoTime();
                Lease lease = leases.grant(TTL);
                lastKeepAliveSent = sending;
                while (running.get() && token == null) {
                    sending = System.nanoTime();
                    leases.keepAlive(lease.id());
                    lastKeepAliveSent = sending;
                    Optional<LockHolder> taken = locks.tryLock(LOCK, lease.id());
                    if (taken.isPresent()) {
                        from = System.nanoTime();
                        token = taken.get().fencingToken();
                    }
                    else {
                        pause(50);
                    }
                }
                if (token == null) {
                    leases.revoke(lease.id());
                    return;
                }
                for (int i = 0; i < 3; i++) {
                    sending = System.nanoTime();
                    leases.keepAlive(lease.id());
                    lastKeepAliveSent = sending;
                    pause(100);
                }
                if (ThreadLocalRandom.current().nextInt(3) == 0) {
                    // A crash: no unlock, no more keep-alives; the lock is free once the lease expires.
                    history.add(new Hold(name, token, from, lastKeepAliveSent + TTL.toNanos(), true));
                    recorded = true;
                }
                else {
                    long releasing = System.nanoTime();
                    // Recorded once the unlock is known to have happened: one that failed (a timeout under load)
                    // may still take effect or not, which the catch below records as a crash. (Recorded before the
                    // unlock, such a hold was also recorded by the catch, and the two records of one hold overlapped.)
                    locks.unlock(LOCK, lease.id());
                    history.add(new Hold(name, token, from, releasing, false));
                    recorded = true;
                    leases.revoke(lease.id());
                }
            }
            catch (RaftException ex) {
                if (token != null && !recorded) {
                    // The node stopped or lost the cluster while holding: as good as a crash.
                    history.add(new Hold(name, token, from, lastKeepAliveSent + TTL.toNanos(), true));
                }
                if (ex.reason() == RaftException.Reason.SHUTDOWN) {
                    return;
                }
                pause(100);
            }
        }
    }

    @Test
    void aLockTakenThroughTheApiIsKeptAliveUntilUnlocked(@TempDir Path dir) {
        try (RaftTestCluster cluster = RaftTestCluster.builder(App.class).nodes(3).stateDirectory(dir).start()) {
            cluster.awaitLeader();
            List<String> nodes = cluster.running();
            RaftLocks first = cluster.bean(nodes.get(0), RaftLocks.class);
            RaftLocks second = cluster.bean(nodes.get(1), RaftLocks.class);
            RaftLock held = first.tryLock("exports", TTL).orElseThrow();
            assertThat(held.isHeld()).isTrue();
            long heldSince = System.nanoTime();
            // Well past its TTL, the keep-alives keep it.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(second.tryLock("exports", TTL)).isEmpty();
                return System.nanoTime() - heldSince > TTL.multipliedBy(3).toNanos();
            });
            assertThat(held.isHeld()).isTrue();
            assertThat(second.holder("exports")).get().satisfies(holder -> {
                assertThat(holder.fencingToken()).isEqualTo(held.fencingToken());
                assertThat(holder.owner()).startsWith(nodes.get(0) + "/");
            });
            held.unlock();
            assertThat(held.isHeld()).isFalse();
            RaftLock next = second.tryLock("exports", TTL).orElseThrow();
            assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
            next.close();
            assertThat(first.holder("exports")).isEmpty();
        }
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
