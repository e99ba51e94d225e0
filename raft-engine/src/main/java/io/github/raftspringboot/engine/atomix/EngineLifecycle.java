package io.github.raftspringboot.engine.atomix;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.ReplicatedStateMachine;
import io.github.raftspringboot.engine.JvmOptions;
import io.github.raftspringboot.engine.PeerTls;
import io.github.raftspringboot.engine.RaftEngineListener;
import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.StateDirectory;

/**
 * The life cycle of one engine: open (claim the state directory, bind the port, build the {@link AtomixMember}),
 * start (join the cluster), close (stop everything, once). An engine is never started again after close.
 */
final class EngineLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(EngineLifecycle.class);

    private final AtomixRaftEngine engine;

    private final RaftNodeSettings settings;

    private final ReplicatedStateMachine stateMachine;

    private final PeerTls peerTls;

    private final AppliedIndexTracker applied;

    private final EngineMeasurements measurements;

    private final List<RaftEngineListener> listeners;

    private final ExecutorService notifier;

    /** The Atomix parts, set by open(). */
    private volatile AtomixMember member;

    private volatile boolean running;

    /** Set once by close(); unlike {@code running} it is false while start() is still under way. */
    private volatile boolean closed;

    /** Set by open(): the port is bound and the storage open, so close() has something to release. */
    private volatile boolean opened;

    /** How long open() took (state directory, port, storage check and open), for the start-up log line. */
    private volatile long openMillis;

    /** Watches the free space of the storage while the node runs (docs/reliability.md, full disk). */
    private volatile DiskSpaceGuard diskSpace;

    EngineLifecycle(AtomixRaftEngine engine, RaftNodeSettings settings, ReplicatedStateMachine stateMachine,
            PeerTls peerTls, AppliedIndexTracker applied, EngineMeasurements measurements,
            List<RaftEngineListener> listeners) {
        this.engine = engine;
        this.settings = settings;
        this.stateMachine = stateMachine;
        this.peerTls = peerTls;
        this.applied = applied;
        this.measurements = measurements;
        this.listeners = listeners;
        this.notifier = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "raft-events-" + settings.nodeId());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The Atomix parts of the opened node, or {@code null} before open(). */
    AtomixMember member() {
        return member;
    }

    boolean isRunning() {
        return running;
    }

    synchronized void open() {
        if (opened) {
            return;
        }
        if (closed) {
            throw new RaftException(RaftException.Reason.SHUTDOWN, "The Raft node '" + settings.nodeId()
                    + "' was stopped and cannot be started again; create a new engine");
        }
        long began = System.nanoTime();
        JvmOptions.verify();
        JvmOptions.adviseOnNettyUnsafe();
        if (!settings.inMemory()) {
            StateDirectory.claim(settings.stateDir(), settings.nodeId());
        }
        try {
            member = new AtomixMember(engine, settings, stateMachine, peerTls, new AtomixMember.Parts(applied,
                    measurements, listeners, notifier, () -> running, () -> !closed, this::stopOnCorruptState));
        }
        catch (RuntimeException ex) {
            throw StartupFailures.engineFailure(ex);
        }
        openMillis = (System.nanoTime() - began) / 1_000_000;
        opened = true;
    }

    synchronized void start() {
        open();
        if (running) {
            return;
        }
        long began = System.nanoTime();
        try {
            member.join.join(() -> running);
        }
        catch (RuntimeException ex) {
            close();
            throw StartupFailures.engineFailure(ex);
        }
        running = true;
        AtomixMember started = member;
        diskSpace = DiskSpaceGuard.start(settings, started.storage.directory(), started.context::isLeader,
                () -> started.membership.transferLeadership(null), started.segmentMappings);
        started.hooks.guardDiskSpace(diskSpace);
        started.snapshots.watchDiskSpace(diskSpace::isLow);
        logger.info("Raft node '{}' listening on {}:{} ({}, advertised as {}), storage {}, peers {} (opened in {} ms, "
                + "joined in {} ms)", settings.nodeId(), settings.bindHost(), member.transport.boundPort(),
                (peerTls != null) ? "mutual TLS" : "plaintext", settings.advertiseAddress(),
                settings.inMemory() ? "memory" : settings.stateDir(), settings.peers(), openMillis,
                (System.nanoTime() - began) / 1_000_000);
    }

    private void stopOnCorruptState(RuntimeException failure) {
        logger.error("Raft node '{}' cannot restore its state from a snapshot or a restore's file and stops rather than "
                + "serve incomplete data; restore the state directory from a backup or remove it and re-add the node "
                + "(docs/operations.md)", settings.nodeId(), failure);
        CompletableFuture.runAsync(this::close);
    }

    synchronized void close() {
        if (!opened) {
            return;
        }
        opened = false;
        logger.info("Stopping Raft node '{}'", settings.nodeId());
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        // Each step is bounded on its own, so that a node that lost its quorum still stops promptly.
        long step = settings.electionTimeout().multipliedBy(2).toNanos();
        if (diskSpace != null) {
            diskSpace.close();
        }
        member.stop(deadline, step, running, () -> {
            running = false;
            closed = true;
        });
        notifier.shutdown();
        logger.info("Raft node '{}' stopped", settings.nodeId());
    }
}
