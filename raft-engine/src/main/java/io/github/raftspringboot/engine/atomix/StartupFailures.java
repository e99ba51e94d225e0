package io.github.raftspringboot.engine.atomix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

import io.atomix.protocols.raft.storage.system.Configuration;

import io.github.raftspringboot.engine.RaftNodeSettings;
import io.github.raftspringboot.engine.RaftStartupException;

/**
 * Sorts what went wrong while a node started into the {@link RaftStartupException} problems that tell the operator
 * what to fix.
 */
final class StartupFailures {

    private StartupFailures() {
    }

    /** Any failure not sorted yet: the engine failed, see the cause. */
    static RaftStartupException engineFailure(RuntimeException ex) {
        return (ex instanceof RaftStartupException startup) ? startup
                : new RaftStartupException(RaftStartupException.Problem.ENGINE_FAILED,
                        "The Raft engine failed to start: " + ex.getMessage(),
                        "Check the log above for the cause; if the state directory is damaged, restore it "
                                + "from a backup or remove it and re-add the node (see docs/operations.md).",
                        ex);
    }

    /** The peer listener could not start: a port in use, or another I/O failure. */
    static RuntimeException listenerFailure(IOException ex, RaftNodeSettings settings) {
        Throwable cause = ex;
        while (cause != null && !(cause instanceof BindException)) {
            cause = cause.getCause();
        }
        if (cause != null) {
            return new RaftStartupException(RaftStartupException.Problem.PORT_IN_USE,
                    "The Raft port " + settings.bindHost() + ":" + settings.bindPort()
                            + " is already in use (or cannot be bound).",
                    "Stop the process using port " + settings.bindPort()
                            + ", or set raft.port (RAFT_PORT) to a free port and update raft.peers on every node.",
                    ex);
        }
        return new UncheckedIOException("Could not start the Raft peer listener", ex);
    }

    /**
     * A bootstrapping node whose stored configuration shares no member but itself with {@code raft.peers} was
     * almost certainly pointed at another cluster's state (or the peers are wrong): joining would mix two logs.
     */
    static void refuseStateOfAnotherCluster(Configuration stored, RaftNodeSettings settings) {
        Set<String> storedOthers = new TreeSet<>();
        stored.members().forEach(member -> storedOthers.add(member.memberId().id()));
        storedOthers.remove(settings.nodeId());
        Set<String> configuredOthers = new TreeSet<>();
        settings.peers().forEach(peer -> configuredOthers.add(peer.id()));
        configuredOthers.remove(settings.nodeId());
        if (!storedOthers.isEmpty() && !configuredOthers.isEmpty()
                && Collections.disjoint(storedOthers, configuredOthers)) {
            throw new RaftStartupException(RaftStartupException.Problem.STATE_DIR_OF_ANOTHER_CLUSTER,
                    "The Raft state directory " + settings.stateDir() + " belongs to a cluster of " + storedOthers
                            + " and this node, but raft.peers names " + configuredOthers + ".",
                    "Point raft.state-dir at this cluster's directory, or fix raft.peers. To make this node a fresh "
                            + "member of the cluster in raft.peers, delete the directory (its data is lost) and "
                            + "add the node with AddVoter (see docs/operations.md).",
                    null);
        }
    }
}
