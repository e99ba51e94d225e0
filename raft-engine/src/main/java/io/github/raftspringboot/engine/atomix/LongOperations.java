package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.raftspringboot.api.RaftOperationProgress;

/**
 * The long operations under way on this node (backups, restores, snapshots written or installed) and how far each
 * got: read by {@link AtomixRaftEngine#operationsInProgress()} for the actuator endpoint and the meters, and logged
 * every few seconds. Cheap to update from any thread (a volatile write per step).
 */
final class LongOperations {

    private static final Logger logger = LoggerFactory.getLogger(LongOperations.class);

    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final Map<String, Tracked> running = new ConcurrentHashMap<>();

    /** Starts tracking an operation; close the handle when it ends, however it ends. */
    Tracked start(String kind, String id, String phase, long total) {
        Tracked tracked = new Tracked(kind, id, phase, total);
        running.put(kind + ":" + id, tracked);
        return tracked;
    }

    /** The operation of this kind and id under way, or null. */
    Tracked find(String kind, String id) {
        return running.get(kind + ":" + id);
    }

    List<RaftOperationProgress> inProgress() {
        return running.values()
            .stream()
            .map(Tracked::progress)
            .sorted(Comparator.comparing(RaftOperationProgress::startedAt))
            .toList();
    }

    /** One operation: its phase, and how much of it is done. */
    final class Tracked implements AutoCloseable {

        private final String kind;

        private final String id;

        private final Instant startedAt = Instant.now();

        private volatile String phase;

        private volatile long total;

        private volatile long done;

        private long lastLogNanos = System.nanoTime();

        private Tracked(String kind, String id, String phase, long total) {
            this.kind = kind;
            this.id = id;
            this.phase = phase;
            this.total = total;
        }

        /** Moves on to the next phase, with nothing of it done yet. */
        void phase(String phase, long total) {
            this.phase = phase;
            this.total = total;
            this.done = 0;
        }

        /** {@code count} more units of the phase are done (one thread updates an operation). */
        void advance(long count) {
            done(done + count);
        }

        void done(long done) {
            this.done = done;
            long now = System.nanoTime();
            if (now - lastLogNanos >= LOG_EVERY_NANOS) {
                lastLogNanos = now;
                RaftOperationProgress progress = progress();
                logger.info("{} {}: {} {} of {} bytes{}", kind, id, phase, done,
                        (progress.total() < 0) ? "?" : progress.total(),
                        (progress.percent() < 0) ? "" : " (" + progress.percent() + "%)");
            }
        }

        RaftOperationProgress progress() {
            long currentTotal = total;
            long currentDone = done;
            int percent = (currentTotal < 0) ? -1
                    : (currentTotal == 0) ? 100 : (int) Math.min(100, currentDone * 100 / currentTotal);
            return new RaftOperationProgress(id, kind, phase, currentDone, currentTotal, "bytes", percent, startedAt);
        }

        @Override
        public void close() {
            running.remove(kind + ":" + id, this);
        }
    }
}
