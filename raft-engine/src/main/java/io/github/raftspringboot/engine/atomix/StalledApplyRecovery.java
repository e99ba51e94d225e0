package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;
import java.time.Duration;

import io.atomix.protocols.raft.impl.RaftContext;
import io.atomix.protocols.raft.impl.RaftServiceManager;
import io.atomix.protocols.raft.storage.log.RaftLogReader;
import io.atomix.utils.concurrent.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies again the committed entries Atomix's state machine manager passed over.
 * <p>
 * Atomix's {@code RaftServiceManager} queues each committed index once, and when an index comes up it applies the entry
 * only if its commit reader can read it right then; otherwise it moves on without a word, and every later index is
 * passed over too, since the reader stays behind. The node's state machine then stops for good while its commit index
 * goes on. A verify saw it on a restarted follower whose last entry, written while it led alone before the stop, was
 * replaced by the new leader's: commit index 31, log's last index 31, applied 30, and every linearizable read on that
 * node timed out (docs/reliability.md).
 * <p>
 * Every heartbeat interval, on the Raft thread: when the commit index is ahead of the applied index, every index up to
 * it has been queued, and the reader still waits at the first unapplied entry (so nothing beyond the applied index is
 * on its way to the state machine), for a whole election timeout, the reader is positioned at that entry again and
 * the indexes from there are queued again (and the log's own commit index, which the reader reads up to, is raised to
 * the node's, as Atomix does when the entries are there). Entries are applied in order and once: an index is applied
 * only when it is the reader's next one, and the reader has read nothing past the applied index.
 */
final class StalledApplyRecovery {

    private static final Logger logger = LoggerFactory.getLogger(StalledApplyRecovery.class);

    private static final Field LAST_ENQUEUED = field("lastEnqueued");

    private static final Field READER = field("reader");

    private final RaftContext context;

    private final long stallNanos;

    /** The applied index seen stalled, or -1. Raft thread only. */
    private long stalledAt = -1;

    private long stalledSince;

    private StalledApplyRecovery(RaftContext context, Duration stall) {
        this.context = context;
        this.stallNanos = stall.toNanos();
    }

    /** Checks {@code context} every {@code interval}; recovers an application stalled for {@code stall}. */
    static Scheduled install(RaftContext context, Duration interval, Duration stall) {
        StalledApplyRecovery recovery = new StalledApplyRecovery(context, stall);
        return context.getThreadContext().schedule(interval, interval, recovery::checkSafely);
    }

    /** A failure must not end the schedule. */
    private void checkSafely() {
        try {
            check();
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            logger.warn("Could not check the Raft state machine's progress: {}", ex.toString());
        }
    }

    /** On the Raft thread. */
    void check() throws ReflectiveOperationException {
        RaftServiceManager manager = context.getServiceManager();
        if (manager == null) {
            return;
        }
        long applied = context.getLastApplied();
        long commit = context.getCommitIndex();
        RaftLogReader reader = (RaftLogReader) READER.get(manager);
        if (commit <= applied || reader.getNextIndex() != applied + 1 || LAST_ENQUEUED.getLong(manager) < commit) {
            stalledAt = -1;
            return;
        }
        long now = System.nanoTime();
        if (stalledAt != applied) {
            stalledAt = applied;
            stalledSince = now;
            return;
        }
        if (now - stalledSince < stallNanos) {
            return;
        }
        logger.warn("Raft node '{}': the state machine stopped at index {} with entries committed up to {} ({} ms); "
                + "applying them again from index {}", context.getName(), applied, commit,
                (now - stalledSince) / 1_000_000, applied + 1);
        // The reader reads up to the log's commit index, which Atomix raises only when the node's own commit index
        // rises: an entry that arrived after that rise was never let through.
        context.getLogWriter().commit(Math.min(commit, context.getLogWriter().getLastIndex()));
        reader.reset(applied + 1);
        LAST_ENQUEUED.setLong(manager, applied);
        manager.applyAll(commit);
        stalledAt = -1;
    }

    /** For the test: makes the manager pass over the next committed index, as Atomix does when it cannot read it. */
    static void passOverNextIndex(RaftContext context) throws ReflectiveOperationException {
        RaftServiceManager manager = context.getServiceManager();
        LAST_ENQUEUED.setLong(manager, LAST_ENQUEUED.getLong(manager) + 1);
    }

    private static Field field(String name) {
        try {
            Field found = RaftServiceManager.class.getDeclaredField(name);
            found.setAccessible(true);
            return found;
        }
        catch (NoSuchFieldException | RuntimeException ex) {
            throw new IllegalStateException("Cannot reach '" + name + "' of Atomix's RaftServiceManager (not Atomix "
                    + "3.1.12?)", ex);
        }
    }
}
