package io.github.raftspringboot.test.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link TcpProxy} does with the bytes of one {@link Direction}: forward them, forward them late, or drop
 * them while keeping the connection open (a blackhole: like a network partition, nothing tells the sender).
 *
 * @param dropping whether bytes are dropped
 * @param delay the latency added to every byte forwarded (zero: none)
 */
public record Flow(boolean dropping, Duration delay) {

    private static final Flow PASS = new Flow(false, Duration.ZERO);

    private static final Flow DROP = new Flow(true, Duration.ZERO);

    public Flow {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("A delay cannot be negative, got " + delay);
        }
        if (dropping && !delay.isZero()) {
            throw new IllegalArgumentException("Dropped bytes have no delay; use Flow.drop() or Flow.delay(...)");
        }
    }

    public static Flow pass() {
        return PASS;
    }

    public static Flow drop() {
        return DROP;
    }

    public static Flow delay(Duration latency) {
        return new Flow(false, latency);
    }

    @Override
    public String toString() {
        return dropping ? "drop" : delay.isZero() ? "pass" : "delay " + delay.toMillis() + " ms";
    }
}
