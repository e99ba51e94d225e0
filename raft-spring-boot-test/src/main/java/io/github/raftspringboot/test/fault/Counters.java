package io.github.raftspringboot.test.fault;

import java.util.concurrent.atomic.AtomicLong;

/** The running totals behind {@link ProxyStats}, updated by every connection of one proxy. */
final class Counters {

    final AtomicLong accepted = new AtomicLong();

    final AtomicLong refused = new AtomicLong();

    private final AtomicLong[] forwarded = { new AtomicLong(), new AtomicLong() };

    private final AtomicLong[] dropped = { new AtomicLong(), new AtomicLong() };

    void forwarded(Direction direction, int bytes) {
        forwarded[direction.ordinal()].addAndGet(bytes);
    }

    void dropped(Direction direction, int bytes) {
        dropped[direction.ordinal()].addAndGet(bytes);
    }

    ProxyStats snapshot(int open) {
        return new ProxyStats(accepted.get(), refused.get(), open, forwarded[0].get(), forwarded[1].get(),
                dropped[0].get(), dropped[1].get());
    }
}
