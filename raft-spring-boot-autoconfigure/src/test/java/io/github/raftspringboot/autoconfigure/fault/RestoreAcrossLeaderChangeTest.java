package io.github.raftspringboot.autoconfigure.fault;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftOperationProgress;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17: a restore staged through the log gave up when a leader change made one chunk fail at every retry. Here
 * a restore through a follower survives a leadership transfer and then 20 s without any leader (both other nodes
 * cut off, longer than the old five retries lasted), resumes where it stopped, and leaves every node with the
 * backup's state; its progress is visible on the node while it runs.
 */
class RestoreAcrossLeaderChangeTest {

    private static final int KEYS = 6000;

    @Test
    void aRestoreResumesAfterALeaderChangeAndAnOutage() throws Exception {
        try (RaftTestCluster cluster = RaftTestCluster.builder(PlainApplication.class).nodes(3).withNetworkFaults()
            .property("raft.limits.max-entry-size", "16KB")
            .property("raft.request-timeout", "2s")
            .start()) {
            String leader = cluster.awaitLeader();
            Map<String, String> batch = new LinkedHashMap<>();
            for (int i = 0; i < KEYS; i++) {
                batch.put(String.format("key-%05d", i), "v".repeat(300));
                if (batch.size() == 40) {
                    cluster.store(leader).putAll(batch);
                    batch.clear();
                }
            }
            String via = cluster.followers().get(0);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            cluster.node(via).backupTo(out);
            cluster.store(leader).put("after-backup", "must be gone after the restore");
            cluster.store(leader).delete("key-00000");

            CompletableFuture<Long> restore = CompletableFuture.supplyAsync(() -> {
                try {
                    return cluster.node(via).restoreFrom(new ByteArrayInputStream(out.toByteArray()));
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });

            awaitStaged(cluster.node(via), 15, restore);
            String current = cluster.awaitLeader();
            cluster.node(current).transferLeadership().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leader().filter(id -> !id.equals(current))
                .isPresent());

            awaitStaged(cluster.node(via), 40, restore);
            List<String> others = cluster.running().stream().filter(id -> !id.equals(via)).toList();
            others.forEach(cluster.network()::pause);
            try {
                await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30))
                    .until(() -> !restore.isDone());
            }
            finally {
                others.forEach(cluster.network()::resume);
            }

            long index = restore.get(120, TimeUnit.SECONDS);
            for (String id : cluster.running()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> cluster.node(id).status().appliedIndex() >= index);
                assertThat(cluster.store(id).get("after-backup", ReadConsistency.LOCAL)).as("on %s", id).isEmpty();
                assertThat(cluster.store(id).get("key-00000", ReadConsistency.LOCAL)).as("on %s", id).isPresent();
                assertThat(cluster.store(id).size(ReadConsistency.LOCAL)).as("on %s", id).isEqualTo(KEYS);
            }
            assertThat(cluster.node(via).operationsInProgress()).as("nothing under way once done").isEmpty();
        }
    }

    /** Waits until the restore, still under way, has staged at least {@code percent} of the backup. */
    private static void awaitStaged(RaftNode node, int percent, CompletableFuture<Long> restore) {
        int[] staged = new int[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5)).until(() -> {
            assertThat(restore).as("the restore is still under way").isNotDone();
            staged[0] = node.operationsInProgress()
                .stream()
                .filter(operation -> operation.kind().equals("restore") && operation.phase().equals("staging"))
                .mapToInt(RaftOperationProgress::percent)
                .max()
                .orElse(-1);
            return staged[0] >= percent;
        });
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class PlainApplication {
    }
}
