package io.github.raftspringboot.autoconfigure.kv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.KeyValueEntry;
import io.github.raftspringboot.api.RaftCompactedException;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftWatch;
import io.github.raftspringboot.api.RaftWatchListener;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.Txn;
import io.github.raftspringboot.api.TxnCompare;
import io.github.raftspringboot.api.TxnOp;
import io.github.raftspringboot.api.TxnResult;
import io.github.raftspringboot.api.WatchEvent;
import io.github.raftspringboot.autoconfigure.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Revisions, transactions and watches on a live 3-node cluster. */
class CoordinationClusterTest {

    private static final int HISTORY = 2000;

    @TempDir
    static Path dir;

    static TestCluster cluster;

    @BeforeAll
    static void start() {
        Map<String, String> properties = new HashMap<>(TestCluster.fastTimings());
        properties.put("raft.limits.watch-history", String.valueOf(HISTORY));
        cluster = TestCluster.start(3, dir, properties, "coord");
        cluster.awaitLeader();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void everyNodeReadsTheSameRevisions() {
        RaftKeyValueStore leader = cluster.store(cluster.awaitLeader());
        long created = leader.put("rev/a", 1).index();
        long modified = leader.put("rev/a", 2).index();
        for (String id : cluster.running()) {
            cluster.raft().awaitApplied(modified);
            KeyValueEntry entry = cluster.store(id).getEntry("rev/a", ReadConsistency.LOCAL).orElseThrow();
            assertThat(entry).isEqualTo(new KeyValueEntry("rev/a", entry.value(), created, modified, 2, 0));
            assertThat(entry.value().asInt()).isEqualTo(2);
        }
        assertThat(cluster.store(cluster.anyFollower()).getEntry("rev/none")).isEmpty();
    }

    /** Concurrent transfers between accounts, each a compare on both balances' modRevision: the total never moves. */
    @Test
    void transfersInTransactionsKeepTheTotalUnderConflictingWriters() throws Exception {
        int accounts = 4;
        Map<String, Object> opening = new HashMap<>();
        for (int i = 0; i < accounts; i++) {
            opening.put("bank/" + i, 100);
        }
        cluster.store(cluster.awaitLeader()).putAll(opening);
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        List<Thread> tellers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String id : cluster.running()) {
            RaftKeyValueStore store = cluster.store(id);
            Thread teller = new Thread(() -> {
                try {
                    while (committed.get() < 60) {
                        transfer(store, accounts, committed, conflicts);
                    }
                }
                catch (Throwable ex) {
                    failures.add(ex);
                }
            }, "teller-" + id);
            teller.start();
            tellers.add(teller);
        }
        for (Thread teller : tellers) {
            teller.join(Duration.ofMinutes(3).toMillis());
        }
        assertThat(failures).isEmpty();
        assertThat(committed.get()).isGreaterThanOrEqualTo(60);
        for (String id : cluster.running()) {
            long total = cluster.store(id).entries("bank/", ReadConsistency.LINEARIZABLE).values().stream()
                .mapToLong(value -> value.asLong()).sum();
            assertThat(total).as("total on %s after %d transfers and %d conflicts", id, committed.get(),
                    conflicts.get()).isEqualTo(100L * accounts);
        }
    }

    private static void transfer(RaftKeyValueStore store, int accounts, AtomicInteger committed,
            AtomicInteger conflicts) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String from = "bank/" + random.nextInt(accounts);
        String to = "bank/" + ((Integer.parseInt(from.substring(5)) + 1 + random.nextInt(accounts - 1)) % accounts);
        KeyValueEntry source = store.getEntry(from).orElseThrow();
        KeyValueEntry target = store.getEntry(to).orElseThrow();
        long amount = Math.min(source.value().asLong(), 1 + random.nextInt(20));
        TxnResult result = store.txn(Txn
            .when(TxnCompare.modRevision(from, TxnCompare.Operator.EQUAL, source.modRevision()),
                    TxnCompare.modRevision(to, TxnCompare.Operator.EQUAL, target.modRevision()))
            .then(TxnOp.put(from, source.value().asLong() - amount), TxnOp.put(to, target.value().asLong() + amount))
            .orElse(TxnOp.get(from), TxnOp.get(to)));
        if (result.succeeded()) {
            committed.incrementAndGet();
            assertThat(result.results().get(0).entry().modRevision()).isEqualTo(result.index());
        }
        else {
            conflicts.incrementAndGet();
        }
    }

    @Test
    void aBadTransactionIsRefusedBeforeItIsProposed() {
        RaftKeyValueStore store = cluster.store(cluster.anyFollower());
        assertThatThrownBy(() -> store.txn(Txn.when(TxnCompare.valueEquals("bad/a", 1))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no operation");
        assertThat(store.getEntry("bad/a")).isEmpty();
    }

    /**
     * A writer puts w/0..w/299 through another node while a follower is watched; half-way the follower snapshots and
     * restarts and the watch resumes from the last revision received plus one: every write is seen exactly once, in
     * order.
     */
    @Test
    void aWatchOnAFollowerSeesEveryChangeOnceAcrossItsRestart() throws Exception {
        String watched = cluster.anyFollower();
        String writerNode = cluster.running().stream().filter(id -> !id.equals(watched)).findFirst().orElseThrow();
        int writes = 300;
        Recorder recorder = new Recorder();
        long start = cluster.store(writerNode).put("watch/start", true).index();
        cluster.raft().awaitApplied(start);
        RaftWatch watch = cluster.store(watched).watch("watch/w", start, recorder);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong lastWrite = new AtomicLong();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < writes; i++) {
                lastWrite.set(cluster.store(writerNode).put("watch/w" + (i % 10), i).index());
            }
            writing.set(false);
        }, "watch-writer");
        writer.start();
        await().atMost(Duration.ofMinutes(1)).until(() -> recorder.size() >= 100);
        long resumeFrom = recorder.stop(watch) + 1;
        // A snapshot first, so that the node restarts from it: the history it serves from must be in the snapshot.
        cluster.node(watched).snapshot().get(30, java.util.concurrent.TimeUnit.SECONDS);
        cluster.raft().restart(watched);
        RaftWatch resumed = cluster.store(watched).watch("watch/w", resumeFrom, recorder.resume());
        writer.join(Duration.ofMinutes(3).toMillis());
        assertThat(writing).isFalse();
        await().atMost(Duration.ofMinutes(1)).until(() -> recorder.size() >= writes);
        resumed.cancel();
        List<WatchEvent> events = recorder.events();
        assertThat(events).hasSize(writes);
        for (int i = 0; i < writes; i++) {
            assertThat(events.get(i).value().asInt()).as("event %d", i).isEqualTo(i);
            assertThat(events.get(i).key()).isEqualTo("watch/w" + (i % 10));
        }
        assertThat(events).extracting(WatchEvent::revision).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(writes - 1).revision()).isEqualTo(lastWrite.get());
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void aWatchFromACompactedRevisionIsRefusedNamingTheOldestOne() {
        RaftKeyValueStore leader = cluster.store(cluster.awaitLeader());
        long old = leader.put("compact/first", 0).index();
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i <= HISTORY; i++) {
            many.put("compact/" + i, i);
        }
        long bulk = leader.putAll(many).index();
        String follower = cluster.anyFollower();
        cluster.raft().awaitApplied(bulk);
        assertThatThrownBy(() -> cluster.store(follower).watch("compact/", old, event -> { }))
            .isInstanceOfSatisfying(RaftCompactedException.class, ex -> {
                assertThat(ex.oldestRevision()).isGreaterThan(old).isLessThanOrEqualTo(bulk);
                assertThat(ex.reason()).isEqualTo(RaftException.Reason.COMPACTED);
            })
            .hasMessageContaining("Revision " + old + " is compacted");
        Recorder recorder = new Recorder();
        try (RaftWatch watch = cluster.store(follower).watch("compact/", bulk, recorder)) {
            await().until(() -> recorder.size() == HISTORY + 1);
            assertThat(watch.isCancelled()).isFalse();
        }
    }

    @Test
    void aFluxOfChangesEndsWithItsSubscription() {
        String follower = cluster.anyFollower();
        RaftKeyValueStore leader = cluster.store(cluster.awaitLeader());
        long first = leader.put("flux/a", 1).index();
        leader.put("flux/b", 2);
        leader.delete("flux/a");
        List<WatchEvent> events = RaftWatchFlux.watch(cluster.store(follower), "flux/", first).take(3)
            .collectList().block(Duration.ofSeconds(30));
        assertThat(events).extracting(WatchEvent::type)
            .containsExactly(WatchEvent.Type.PUT, WatchEvent.Type.PUT, WatchEvent.Type.DELETE);
        assertThat(events.get(2).prevValue().asInt()).isEqualTo(1);
    }

    /** Records events; {@link #stop} freezes what a cancelled watch delivered so that nothing after it counts. */
    static final class Recorder implements RaftWatchListener {

        private final List<WatchEvent> events = new ArrayList<>();

        final List<RaftException> errors = java.util.Collections.synchronizedList(new ArrayList<>());

        private boolean active = true;

        @Override
        public synchronized void onEvent(WatchEvent event) {
            if (active) {
                events.add(event);
            }
        }

        @Override
        public void onError(RaftException error) {
            errors.add(error);
        }

        synchronized int size() {
            return events.size();
        }

        synchronized List<WatchEvent> events() {
            return new ArrayList<>(events);
        }

        /** Cancels {@code watch}; returns the revision of the last event recorded. */
        synchronized long stop(RaftWatch watch) {
            watch.cancel();
            active = false;
            return events.get(events.size() - 1).revision();
        }

        /** A listener for the resumed watch that records into the same list (this one stays stopped). */
        RaftWatchListener resume() {
            return new RaftWatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    synchronized (Recorder.this) {
                        events.add(event);
                    }
                }

                @Override
                public void onError(RaftException error) {
                    errors.add(error);
                }
            };
        }
    }
}
