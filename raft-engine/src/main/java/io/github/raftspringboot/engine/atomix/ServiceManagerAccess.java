package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;

import io.atomix.protocols.raft.impl.RaftServiceManager;
import io.atomix.protocols.raft.storage.snapshot.Snapshot;

/**
 * The private parts of Atomix's {@link RaftServiceManager} that {@link Snapshots} uses: its snapshot of every service,
 * its compaction slot and the applied index of its last snapshot. Atomix is archived and pinned, so a missing member
 * fails the node's start at once rather than at its first snapshot.
 */
final class ServiceManagerAccess {

    private static final Method SNAPSHOT = method("snapshot");

    /** The compaction under way ({@code compactFuture}), which Atomix waits on before it takes a snapshot. */
    private static final Field COMPACT_FUTURE = field("compactFuture");

    /** The applied index when the last snapshot was started ({@code lastCompacted}). */
    private static final Field LAST_COMPACTED = field("lastCompacted");

    private ServiceManagerAccess() {
    }

    /** Loads this class, which fails (an {@link ExceptionInInitializerError}) if a member is missing. */
    static void requireAvailable() {
        // Nothing more: the static fields are resolved when the class is initialized.
    }

    /** Atomix's snapshot of its services at the applied index, written to its file; state machine thread. */
    static Snapshot snapshot(RaftServiceManager manager) throws ReflectiveOperationException {
        try {
            return (Snapshot) SNAPSHOT.invoke(manager);
        }
        catch (InvocationTargetException ex) {
            if (ex.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (ex.getCause() instanceof Error error) {
                throw error;
            }
            throw ex;
        }
    }

    /** Puts {@code future} in the compaction slot; Raft thread. */
    static void setCompaction(RaftServiceManager manager, CompletableFuture<Void> future)
            throws ReflectiveOperationException {
        COMPACT_FUTURE.set(manager, future);
    }

    /** Raft thread. */
    static long lastCompacted(RaftServiceManager manager) throws ReflectiveOperationException {
        return LAST_COMPACTED.getLong(manager);
    }

    /** Raises the applied index of the last snapshot to {@code index}; Raft thread. */
    static void raiseLastCompacted(RaftServiceManager manager, long index) throws ReflectiveOperationException {
        LAST_COMPACTED.setLong(manager, Math.max(LAST_COMPACTED.getLong(manager), index));
    }

    private static Field field(String name) {
        try {
            Field field = RaftServiceManager.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }
        catch (NoSuchFieldException ex) {
            throw new IllegalStateException("Atomix's RaftServiceManager has no " + name + " field: " + ex, ex);
        }
    }

    private static Method method(String name) {
        try {
            Method method = RaftServiceManager.class.getDeclaredMethod(name);
            method.setAccessible(true);
            return method;
        }
        catch (NoSuchMethodException ex) {
            throw new IllegalStateException("Atomix's RaftServiceManager has no " + name + "() method: " + ex, ex);
        }
    }
}
