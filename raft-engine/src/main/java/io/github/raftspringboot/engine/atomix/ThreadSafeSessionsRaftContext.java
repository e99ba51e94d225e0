package io.github.raftspringboot.engine.atomix;

import io.atomix.cluster.ClusterMembershipService;
import io.atomix.cluster.MemberId;
import io.atomix.primitive.PrimitiveTypeRegistry;
import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;
import io.atomix.protocols.raft.session.RaftSession;
import io.atomix.protocols.raft.session.RaftSessionRegistry;
import io.atomix.protocols.raft.storage.RaftStorage;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;
import io.atomix.protocols.raft.storage.snapshot.SnapshotStore;
import io.atomix.utils.concurrent.ThreadContextFactory;

/**
 * Atomix's Raft server context, with a session registry that stores {@link ThreadSafeRaftSession}s in place of the
 * sessions Atomix creates. Every part of the server reaches sessions through {@link #getSessions()} and keeps the
 * instance the registry returns, so this is the one place where the patched session class is wired in. Its snapshot
 * store records a checksum of each snapshot ({@link ChecksummedSnapshotStore}). It reports every applied log index
 * ({@link LinearizableReads} waits for them).
 */
final class ThreadSafeSessionsRaftContext extends RaftContext {

    private final RaftSessionRegistry threadSafeSessions;

    private final SnapshotStore snapshots;

    /** Every log index applied (commands, sessions, configurations): what a linearizable read waits for. */
    private final AppliedIndexTracker logApplied;

    ThreadSafeSessionsRaftContext(String name, MemberId localMemberId, ClusterMembershipService membershipService,
            RaftServerProtocol protocol, RaftStorage storage, PrimitiveTypeRegistry primitiveTypes,
            ThreadContextFactory threadContextFactory, boolean closeOnStop, AppliedIndexTracker logApplied) {
        super(name, localMemberId, membershipService, protocol, storage, primitiveTypes, threadContextFactory,
                closeOnStop);
        this.logApplied = logApplied;
        this.threadSafeSessions = new Registry(this, threadContextFactory);
        // Every part of the server reaches the snapshot store through getSnapshotStore() and only once running.
        this.snapshots = new ChecksummedSnapshotStore(storage);
    }

    @Override
    public SnapshotStore getSnapshotStore() {
        return snapshots;
    }

    /**
     * Atomix sets the applied index once an entry's effects are in the state machine, except for entries a snapshot
     * covers: it skips those (at a restart, before it restores the snapshot), so they are not reported here; the
     * state machine reports the snapshot's index itself once restored.
     */
    @Override
    public void setLastApplied(long lastApplied) {
        super.setLastApplied(lastApplied);
        if (logApplied != null && snapshots != null) {
            Snapshot snapshot = snapshots.getCurrentSnapshot();
            if (snapshot == null || lastApplied > snapshot.index()) {
                logApplied.advance(lastApplied);
            }
        }
    }

    @Override
    public RaftSessionRegistry getSessions() {
        return threadSafeSessions;
    }

    /** Atomix adds a session right after creating it, and uses the session the registry returns from then on. */
    static final class Registry extends RaftSessionRegistry {

        private final RaftContext server;

        private final ThreadContextFactory threadContextFactory;

        Registry(RaftContext server, ThreadContextFactory threadContextFactory) {
            this.server = server;
            this.threadContextFactory = threadContextFactory;
        }

        @Override
        public RaftSession addSession(RaftSession session) {
            RaftSession existing = getSession(session.sessionId().id());
            if (existing != null) {
                return existing;
            }
            RaftSession threadSafe = (session instanceof ThreadSafeRaftSession) ? session
                    : new ThreadSafeRaftSession(session, server, threadContextFactory);
            return super.addSession(threadSafe);
        }
    }
}
