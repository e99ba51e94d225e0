package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pace of the segment chores: at every tick for a while after a segment came or went, then once every few ticks
 * (an idle node no longer lists and opens its segment files ten times a second).
 */
class SegmentChoresTest {

    private final AtomicLong fingerprint = new AtomicLong(7);

    private final AtomicInteger runs = new AtomicInteger();

    private final SegmentChores chores = new SegmentChores(fingerprint::get, runs::incrementAndGet, 3, 10);

    @Test
    void everyTickAfterAChangeThenOnceEveryFewTicks() {
        tick(3);
        assertThat(runs).as("the first ticks, right after start").hasValue(3);

        tick(100);
        assertThat(runs).as("100 idle ticks").hasValue(3 + 10);

        fingerprint.set(8);
        int before = runs.get();
        tick(3);
        assertThat(runs.get() - before).as("the ticks right after a new segment").isEqualTo(3);

        before = runs.get();
        tick(20);
        assertThat(runs.get() - before).as("20 idle ticks").isEqualTo(2);
    }

    private void tick(int times) {
        for (int i = 0; i < times; i++) {
            chores.run();
        }
    }
}
