package io.github.raftspringboot.engine.atomix;

import java.util.function.LongSupplier;

/**
 * When the chores on the log's segment files (padding them, keeping their mappings) run, on the disk-space guard's
 * schedule (every heartbeat interval): at every tick for a while after a segment was added or removed, and once every
 * {@code idleEvery} ticks otherwise. Running them at every tick for good cost an idle node a directory listing, an
 * open and close of every segment file and a pass on the Raft thread ten times a second. The chores only matter
 * when segments come and go (a new segment to pad and keep mapped), or for a reader that has finished its segment,
 * which must be moved on before compaction closes that segment (at least 10 s after a snapshot): once a second is
 * far within that.
 */
final class SegmentChores implements Runnable {

    private final LongSupplier segmentsFingerprint;

    private final Runnable chores;

    private final int busyTicks;

    private final int idleEvery;

    /** Only used by the one scheduler thread. */
    private long lastFingerprint;

    private boolean first = true;

    private int ticksSinceChange;

    private int ticksSinceRun;

    /**
     * @param segmentsFingerprint changes whenever a segment is added or removed
     * @param chores              the chores
     * @param busyTicks           for how many ticks after a change the chores run at every tick
     * @param idleEvery           otherwise, the chores run once every this many ticks
     */
    SegmentChores(LongSupplier segmentsFingerprint, Runnable chores, int busyTicks, int idleEvery) {
        this.segmentsFingerprint = segmentsFingerprint;
        this.chores = chores;
        this.busyTicks = busyTicks;
        this.idleEvery = idleEvery;
    }

    @Override
    public void run() {
        long fingerprint = segmentsFingerprint.getAsLong();
        if (first || fingerprint != lastFingerprint) {
            first = false;
            lastFingerprint = fingerprint;
            ticksSinceChange = 0;
        }
        else if (ticksSinceChange < busyTicks) {
            ticksSinceChange++;
        }
        ticksSinceRun++;
        if (ticksSinceChange < busyTicks || ticksSinceRun >= idleEvery) {
            ticksSinceRun = 0;
            chores.run();
        }
    }
}
