package io.github.raftspringboot.engine.atomix;

import java.lang.reflect.Field;

import io.atomix.protocols.raft.storage.log.RaftLog;
import io.atomix.storage.journal.SegmentedJournal;

/**
 * Makes Atomix's log really flush on commit. Atomix 3.1.12's {@code RaftLog.Builder.withFlushOnCommit(true)} keeps
 * the flag to itself: the journal it builds never gets it (the journal's own default is off), and nothing reads the
 * log's copy. So {@code RaftStorage.withFlushOnCommit(true)} did nothing, and a leader never synced its log before it
 * applied and answered a write: an acknowledged write was durable only on the follower(s) whose sync
 * ({@link PeerRequestHooks}) made the majority, and a lone node never synced at all (an OS crash or power loss could
 * lose acknowledged writes). Seen with strace: no msync or fsync on a leader's threads over 763 acknowledged writes.
 * <p>
 * With the journal's flag set, the journal syncs the log whenever the commit index advances (on the leader before it
 * applies; on a follower as it learns the commit), on the Raft thread. {@link LeaderLogSync} starts the leader's
 * sync earlier, while the followers sync theirs, so the commit-time sync usually finds nothing left to write.
 */
final class CommitFlush {

    private CommitFlush() {
    }

    /** Sets the flush-on-commit flag of the journal under {@code log}; throws if Atomix's classes differ. */
    static void enable(RaftLog log) {
        try {
            flag().setBoolean(journalOf(log), true);
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            throw new IllegalStateException("Cannot make Atomix's Raft log sync on commit (not Atomix 3.1.12?): "
                    + "acknowledged writes would not be durable on the leader", ex);
        }
        if (!enabled(log)) {
            throw new IllegalStateException("Cannot make Atomix's Raft log sync on commit: the flag did not change");
        }
    }

    /** Whether the journal under {@code log} syncs on commit. */
    static boolean enabled(RaftLog log) {
        try {
            return flag().getBoolean(journalOf(log));
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException("Cannot read Atomix's Raft log", ex);
        }
    }

    private static Object journalOf(RaftLog log) throws ReflectiveOperationException {
        Field journal = RaftLog.class.getDeclaredField("journal");
        journal.setAccessible(true);
        return journal.get(log);
    }

    private static Field flag() throws ReflectiveOperationException {
        Field flag = SegmentedJournal.class.getDeclaredField("flushOnCommit");
        flag.setAccessible(true);
        return flag;
    }
}
