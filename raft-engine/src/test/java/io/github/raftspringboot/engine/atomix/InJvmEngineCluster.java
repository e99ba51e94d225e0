package io.github.raftspringboot.engine.atomix;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.atomix.protocols.raft.impl.RaftContext;

import io.github.raftspringboot.api.RaftPeer;
import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.test.FreePorts;

import static org.awaitility.Awaitility.await;

/** Engines of a cluster in this JVM, on loopback ports, with in-memory logs and a state machine that does nothing. */
final class InJvmEngineCluster implements AutoCloseable {

    private final Map<String, AtomixRaftEngine> engines = new LinkedHashMap<>();

    /** Starts {@code size} nodes (node1, node2, ...) at once; heartbeat every 100 ms. */
    static InJvmEngineCluster start(int size, Duration electionTimeout) {
        return start(size, electionTimeout, 1 << 20, NoOpStateMachine::new);
    }

    /** As {@link #start(int, Duration)}, with log segments of {@code segmentSize} bytes and these state machines. */
    static InJvmEngineCluster start(int size, Duration electionTimeout, int segmentSize,
            Supplier<ReplicatedStateMachine> stateMachines) {
        InJvmEngineCluster cluster = new InJvmEngineCluster();
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            peers.add(new RaftPeer("node" + i, "127.0.0.1", FreePorts.next()));
        }
        for (RaftPeer peer : peers) {
            RaftNodeSettings settings = new RaftNodeSettings(peer.id(), null, "127.0.0.1", peer.port(), "127.0.0.1",
                    peer.port(), peers, true, electionTimeout, Duration.ofMillis(100), Duration.ofSeconds(5),
                    Duration.ofSeconds(10), Duration.ofSeconds(5), segmentSize, Math.min(segmentSize, 1 << 20), false);
            cluster.engines.put(peer.id(), new AtomixRaftEngine(settings, stateMachines.get()));
        }
        cluster.engines.values().parallelStream().forEach(engine -> {
            engine.open();
            engine.start();
        });
        return cluster;
    }

    /** The engine in the leader role, once there is one (a loaded machine can take long to elect). */
    AtomixRaftEngine awaitLeader() {
        return await().atMost(Duration.ofSeconds(120)).until(() -> engines.values()
            .stream()
            .filter(engine -> engine.status().role() == RaftRole.LEADER)
            .findFirst()
            .orElse(null), engine -> engine != null);
    }

    /** Reads {@code value} on the node's Raft thread, which owns it. */
    static long onRaftThread(RaftContext context, LongSupplier value) throws Exception {
        CompletableFuture<Long> read = new CompletableFuture<>();
        context.getThreadContext().execute(() -> read.complete(value.getAsLong()));
        return read.get(10, TimeUnit.SECONDS);
    }

    /** The engines by node id, in start order. */
    Map<String, AtomixRaftEngine> engines() {
        return engines;
    }

    @Override
    public void close() {
        engines.values().parallelStream().forEach(AtomixRaftEngine::close);
        engines.clear();
    }

    private static final class NoOpStateMachine implements ReplicatedStateMachine {

        @Override
        public byte[] apply(long index, byte[] command) {
            return new byte[0];
        }

        @Override
        public String validate(byte[] command) {
            return null;
        }

        @Override
        public byte[] query(byte[] query) {
            return new byte[0];
        }

        @Override
        public void snapshot(OutputStream out) {
        }

        @Override
        public void restore(InputStream in) {
        }
    }
}
