package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftKeyValueStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Writers keep writing through a leader crash; every write that was acknowledged must survive. */
class FailoverTest {

    @TempDir
    Path dir;

    TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void noAcknowledgedWriteIsLostWhenTheLeaderStopsMidStream() throws Exception {
        cluster = TestCluster.start(3, dir, Map.of());
        String leader = cluster.awaitLeader();
        List<String> followers = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch started = new CountDownLatch(4);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            int writer = w;
            RaftKeyValueStore store = cluster.store(followers.get(w % 2));
            writers.submit(() -> {
                started.countDown();
                for (int i = 0; writing.get() && i < 2000; i++) {
                    String key = "w" + writer + "-" + i;
                    try {
                        store.put(key, i);
                        acknowledged.add(key);
                    }
                    catch (RaftException ex) {
                        failures.incrementAndGet();
                    }
                }
            });
        }
        started.await();
        await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 100);
        cluster.stop(leader);
        int beforeFailover = acknowledged.size();
        String newLeader = cluster.awaitLeader();
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= beforeFailover + 100);
        writing.set(false);
        writers.shutdown();
        assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        RaftKeyValueStore store = cluster.store(newLeader);
        List<String> keys = store.keys("w");
        assertThat(keys).containsAll(acknowledged);
        // Restart the old leader: it catches up and agrees.
        cluster.startNode(leader);
        await().atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(cluster.store(leader).keys("w", io.github.raftspringboot.api.ReadConsistency.LOCAL))
                .containsAll(acknowledged));
    }
}
