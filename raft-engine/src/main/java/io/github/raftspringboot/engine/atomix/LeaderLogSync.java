package io.github.raftspringboot.engine.atomix;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import io.atomix.protocols.raft.protocol.RaftServerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the leader's fsync of its log as soon as it sends entries to its followers, so that the leader's sync runs
 * while the followers write and sync theirs (as etcd does), instead of after them.
 * <p>
 * Why: with disk storage Atomix syncs the leader's log only when an entry commits (flush-on-commit), that is once a
 * follower has acknowledged it, and on the Raft thread; so every write waited for two syncs one after the other, the
 * follower's and then the leader's, and the Raft thread did nothing else meanwhile. That commit-time sync still
 * happens, and still makes the entry durable on the leader before it is applied and answered (safety is unchanged):
 * it now finds the pages already written by this class's sync, or waits for the sync under way, instead of starting
 * one of its own. The same entries go to every follower: a sync started after they were written covers them, so they
 * are synced once; entries sent while a sync runs share the next one.
 * <p>
 * On Linux a finished sync is also credited to the segment's writer ({@link SegmentToSync#written()}): the
 * commit-time sync then skips its {@code msync} when nothing was written since, instead of paying the file system's
 * sync for nothing on every write's path. Linux's {@code fdatasync} writes back the pages stored through the file's
 * mappings, as {@code msync} does; elsewhere (Windows: mapped views are flushed apart) nothing is credited.
 */
final class LeaderLogSync implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(LeaderLogSync.class);

    private final String nodeId;

    private final LongConsumer onSynced;

    /** Whether a file's sync writes back what was stored through its mappings (Linux's page cache). */
    private static final boolean SYNC_COVERS_MAPPINGS = System.getProperty("os.name", "").startsWith("Linux");

    private final Object lock = new Object();

    /** The segment the writer appends to; read on the Raft thread, where the log is written. */
    private volatile Supplier<SegmentToSync> writersSegment = () -> null;

    /** Guarded by {@code lock}. */
    private SegmentToSync requested;

    /**
     * Guarded by {@code lock}: the highest (term, last index) of the entries sent, and of those a sync has started
     * after. Terms count too: a new leadership may send lower indexes again, which an older sync does not cover.
     */
    private long requestedTerm;

    private long requestedIndex;

    private long startedTerm;

    private long startedIndex;

    /** Guarded by {@code lock}: the last index a finished sync covered. */
    private long coveredIndex;

    private boolean closed;

    private Thread worker;

    /** The open segment file, reused while it stays the writer's; only used by the worker. */
    private FileChannel channel;

    private File channelFile;

    /**
     * @param nodeId   this node, for the thread name and logs
     * @param onSynced told the duration in nanoseconds of every sync done
     */
    LeaderLogSync(String nodeId, LongConsumer onSynced) {
        this.nodeId = nodeId;
        this.onSynced = onSynced;
    }

    /** Where the writer's current segment is found (called on the Raft thread); until set, nothing is synced. */
    void readSegmentsWith(Supplier<SegmentToSync> writersSegmentToSync) {
        this.writersSegment = writersSegmentToSync;
    }

    /** The transport Atomix's server sends with, with a sync started before each append that carries entries. */
    RaftServerProtocol wrap(RaftServerProtocol protocol) {
        return AppendInterception.wrap(protocol, (inner, member, request) -> {
            if (!request.entries().isEmpty()) {
                // The entries are in the leader's log (Atomix sends them from it): start their sync now.
                requestSync(request.term(), request.prevLogIndex() + request.entries().size());
            }
            return inner.append(member, request);
        });
    }

    /** Asks for a sync of the writer's segment up to {@code lastIndex} of {@code term}; returns at once. */
    void requestSync(long term, long lastIndex) {
        synchronized (lock) {
            if (closed || !after(term, lastIndex, startedTerm, startedIndex)) {
                return; // a sync started after these entries were written covers them
            }
        }
        SegmentToSync segment = writersSegment.get();
        if (segment == null) {
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            requested = segment;
            if (after(term, lastIndex, requestedTerm, requestedIndex)) {
                requestedTerm = term;
                requestedIndex = lastIndex;
            }
            if (worker == null) {
                worker = new Thread(this::run, "raft-log-sync-" + nodeId);
                worker.setDaemon(true);
                worker.start();
            }
            lock.notifyAll();
        }
    }

    /** The last index asked to be synced, and the last index a finished sync covered. */
    long[] indexes() {
        synchronized (lock) {
            return new long[] { requestedIndex, coveredIndex };
        }
    }

    private static boolean after(long term, long index, long otherTerm, long otherIndex) {
        return term > otherTerm || (term == otherTerm && index > otherIndex);
    }

    private void run() {
        while (true) {
            SegmentToSync segment;
            long upTo;
            synchronized (lock) {
                while (!closed && !after(requestedTerm, requestedIndex, startedTerm, startedIndex)) {
                    try {
                        lock.wait();
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        closed = true;
                    }
                }
                if (closed) {
                    closeChannel();
                    return;
                }
                segment = requested;
                startedTerm = requestedTerm;
                startedIndex = requestedIndex;
                upTo = requestedIndex;
            }
            long started = System.nanoTime();
            boolean synced = sync(segment.file());
            if (synced && SYNC_COVERS_MAPPINGS && segment.written() != null) {
                segment.written().synced();
            }
            synchronized (lock) {
                coveredIndex = upTo;
            }
            if (synced) {
                onSynced.accept(System.nanoTime() - started);
            }
        }
    }

    /** fsync (data only) of the segment; a failure only means that the commit-time sync does all the work. */
    private boolean sync(File file) {
        try {
            if (channel == null || !file.equals(channelFile)) {
                closeChannel();
                channel = FileChannel.open(file.toPath(), StandardOpenOption.READ);
                channelFile = file;
            }
            channel.force(false);
            return true;
        }
        catch (NoSuchFileException ex) {
            // Deleted meanwhile (compaction, truncation): there is nothing of it left to sync.
            logger.debug("Raft node '{}': log segment {} is gone before its early sync", nodeId, file);
            closeChannel();
            return false;
        }
        catch (IOException ex) {
            logger.debug("Raft node '{}': early sync of log segment {} failed ({}); the commit-time sync covers it",
                    nodeId, file, ex.toString());
            closeChannel();
            return false;
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ex) {
                logger.debug("Raft node '{}': could not close log segment {}: {}", nodeId, channelFile, ex.toString());
            }
            channel = null;
            channelFile = null;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
