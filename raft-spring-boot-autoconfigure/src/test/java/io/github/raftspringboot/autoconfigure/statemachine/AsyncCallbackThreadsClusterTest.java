package io.github.raftspringboot.autoconfigure.statemachine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.raftspringboot.api.RaftFutures;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.RaftStateMachineClient;
import io.github.raftspringboot.api.RaftStateMachines;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.test.RaftTestCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine completes a write on the thread that learns its outcome (the leader's Raft thread, a transport thread);
 * the asynchronous APIs must hand it to their own threads first, so that an application's callback that blocks, here
 * on another write through the same node, neither stops the node nor waits for itself. Checked on the leader and on
 * a follower of a 3-node cluster, for the store, an application's state machine and the node's own operations.
 */
class AsyncCallbackThreadsClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void callbacksRunOffTheEngineThreadsAndMayBlockOnTheStore(@TempDir Path dir) {
        try (RaftTestCluster cluster = RaftTestCluster.builder(CustomStateMachineClusterTest.CounterApplication.class)
            .nodes(3)
            .stateDirectory(dir)
            .start()) {
            String leader = cluster.awaitLeader();
            String follower = cluster.followers().get(0);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (String id : List.of(leader, follower)) {
                RaftKeyValueStore store = cluster.store(id);
                RaftStateMachineClient counter = cluster.bean(id, RaftStateMachines.class).client("counter");
                List<CompletableFuture<?>> calls = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String key = id + "-" + i;
                    calls.add(store.async().put(key, i).thenApply(written -> {
                        threads.add(Thread.currentThread().getName());
                        // Blocks this callback's thread until a second write through the same node is applied.
                        return store.put(key + "-inner", written.index());
                    }));
                    calls.add(counter.submit("1".getBytes(StandardCharsets.UTF_8)).thenApply(applied -> {
                        threads.add(Thread.currentThread().getName());
                        return store.put(key + "-counter", applied.index());
                    }));
                    calls.add(store.async().get(key, ReadConsistency.LINEARIZABLE).thenApply(value -> {
                        threads.add(Thread.currentThread().getName());
                        return store.get(key + "-inner");
                    }));
                }
                calls.forEach(call -> RaftFutures.await(call, WAIT));
                for (int i = 0; i < 20; i++) {
                    assertThat(store.get(id + "-" + i + "-inner")).isPresent();
                    assertThat(store.get(id + "-" + i + "-counter")).isPresent();
                }
            }
            assertRanOnCallbackThreads(threads);
        }
    }

    @Test
    void nodeOperationsCompleteOffTheEngineThreadsAndTheirCallbacksMayBlock(@TempDir Path dir) {
        try (RaftTestCluster cluster = RaftTestCluster.builder(CustomStateMachineClusterTest.CounterApplication.class)
            .nodes(3)
            .stateDirectory(dir)
            .start()) {
            String leader = cluster.awaitLeader();
            String follower = cluster.followers().get(0);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (String id : List.of(leader, follower)) {
                RaftKeyValueStore store = cluster.store(id);
                // On the follower, the leader-only operations go to the leader and its answer comes back over gRPC.
                RaftNode node = id.equals(leader) ? cluster.node(id) : cluster.node(id).viaLeader();
                List<CompletableFuture<?>> calls = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String key = id + "-node-" + i;
                    byte[] command = ("{\"op\":\"put\",\"key\":\"" + key + "\",\"value\":" + i + "}")
                        .getBytes(StandardCharsets.UTF_8);
                    calls.add(node.applyCommand(command).thenApply(index -> blockingWrite(store, key + "-a", threads)));
                    calls.add(node.barrier().thenApply(index -> blockingWrite(store, key + "-b", threads)));
                    calls.add(node.verifyLeader().thenApply(index -> blockingWrite(store, key + "-v", threads)));
                    // A failure reaches its callback on the same threads as a value.
                    calls.add(node.removeServer("no-such-node", 0).handle((index, error) -> {
                        assertThat(error).as("removing a server that is not a member").isNotNull();
                        return blockingWrite(store, key + "-r", threads);
                    }));
                }
                calls.add(node.snapshot().thenApply(index -> blockingWrite(store, id + "-snapshot", threads)));
                calls.forEach(call -> RaftFutures.await(call, WAIT));
                for (int i = 0; i < 5; i++) {
                    for (String suffix : List.of("", "-a", "-b", "-v", "-r")) {
                        assertThat(store.get(id + "-node-" + i + suffix)).as(id + "-node-" + i + suffix).isPresent();
                    }
                }
                assertThat(store.get(id + "-snapshot")).isPresent();
            }
            assertRanOnCallbackThreads(threads);
        }
    }

    /** Callbacks ran on the callback threads, or on this thread when the outcome was there before the callback. */
    private static void assertRanOnCallbackThreads(Set<String> threads) {
        String self = Thread.currentThread().getName();
        assertThat(threads).allSatisfy(name -> assertThat(name.startsWith("raft-callbacks") || name.equals(self))
            .as("callback thread %s", name)
            .isTrue());
        assertThat(threads).anySatisfy(name -> assertThat(name).startsWith("raft-callbacks"));
    }

    /** A store write from a callback, which blocks its thread until the write is applied; notes the thread. */
    private static Object blockingWrite(RaftKeyValueStore store, String key, Set<String> threads) {
        threads.add(Thread.currentThread().getName());
        return store.put(key, 1);
    }
}
