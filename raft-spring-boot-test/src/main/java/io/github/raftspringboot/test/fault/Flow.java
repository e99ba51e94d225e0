package io.github.raftspringboot.test.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link TcpProxy} does with the bytes of one {@link Direction}: forward them, forward them late, drop them
 * while keeping the connection open (a blackhole: like a network partition, nothing tells the sender), or hold them
 * until the flow changes (a paused process: what was sent arrives, late, all at once).
 *
 * @param dropping whether bytes are dropped
 * @param delay the latency added to every byte forwarded (zero: none)
 * @param holding whether bytes are kept, in order, and delivered once the flow no longer holds them
 */
public record Flow(boolean dropping, Duration delay, boolean holding) {

    private static final Flow PASS = new Flow(false, Duration.ZERO);

    private static final Flow DROP = new Flow(true, Duration.ZERO);

    private static final Flow HOLD = new Flow(false, Duration.ZERO, true);

    public Flow {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("A delay cannot be negative, got " + delay);
        }
        if (dropping && !delay.isZero()) {
            throw new IllegalArgumentException("Dropped bytes have no delay; use Flow.drop() or Flow.delay(...)");
        }
        if (holding && dropping) {
            throw new IllegalArgumentException("Bytes are either dropped or held; use Flow.drop() or Flow.hold()");
        }
    }

    public Flow(boolean dropping, Duration delay) {
        this(dropping, delay, false);
    }

    public static Flow pass() {
        return PASS;
    }

    public static Flow drop() {
        return DROP;
    }

    /** Keeps the bytes until the flow changes, then delivers them in order. */
    public static Flow hold() {
        return HOLD;
    }

    public static Flow delay(Duration latency) {
        return new Flow(false, latency);
    }

    @Override
    public String toString() {
        return dropping ? "drop" : holding ? "hold" : delay.isZero() ? "pass" : "delay " + delay.toMillis() + " ms";
    }
}
