package io.github.raftspringboot.engine.atomix;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

import io.atomix.protocols.raft.cluster.RaftMember;
import io.atomix.protocols.raft.impl.RaftContext;

import io.github.raftspringboot.api.RaftRole;
import io.github.raftspringboot.engine.RaftEngineListener;

/**
 * Turns Atomix's role and leader callbacks into ordered change notifications: on every callback it compares
 * the node's role and leader with the last ones reported and reports the differences, on one thread.
 */
final class StateObserver {

    private final RaftContext context;

    private final PeerDirectory directory;

    private final List<RaftEngineListener> listeners;

    private final Executor notifier;

    private final BooleanSupplier running;

    private RaftRole role = RaftRole.INACTIVE;

    private String leaderId;

    StateObserver(RaftContext context, PeerDirectory directory, List<RaftEngineListener> listeners,
            Executor notifier, BooleanSupplier running) {
        this.context = context;
        this.directory = directory;
        this.listeners = listeners;
        this.notifier = notifier;
        this.running = running;
    }

    synchronized void refresh() {
        RaftRole currentRole = running.getAsBoolean() ? NodeStatusReader.roleOf(context.getRole()) : RaftRole.SHUTDOWN;
        RaftMember leader = context.getLeader();
        String currentLeader = (leader != null && currentRole != RaftRole.CANDIDATE
                && currentRole != RaftRole.SHUTDOWN) ? leader.memberId().id() : null;
        long term = context.getTerm();
        if (currentRole != role) {
            RaftRole previous = role;
            role = currentRole;
            notifier.execute(() -> listeners.forEach(listener -> listener.roleChanged(previous, currentRole, term)));
        }
        if (!Objects.equals(currentLeader, leaderId)) {
            leaderId = currentLeader;
            String address = (currentLeader != null) ? directory.addressOf(currentLeader) : null;
            notifier.execute(() -> listeners.forEach(listener -> listener.leaderChanged(currentLeader, address, term)));
        }
    }
}
