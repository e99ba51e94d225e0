package io.github.raftspringboot.test.fault;

/**
 * What a {@link TcpProxy} has done so far: tests wait on these (e.g. until bytes were dropped) instead of sleeping,
 * and fault-suite reports print them.
 *
 * @param accepted connections accepted and forwarded
 * @param refused connections reset on arrival because the proxy was in {@link TcpProxy#reset()} mode
 * @param open connections open now
 * @param forwardedToTarget bytes delivered to the target
 * @param forwardedFromTarget bytes delivered back to clients
 * @param droppedToTarget bytes from clients that were dropped
 * @param droppedFromTarget bytes from the target that were dropped
 */
public record ProxyStats(long accepted, long refused, int open, long forwardedToTarget, long forwardedFromTarget,
        long droppedToTarget, long droppedFromTarget) {

    public long forwarded(Direction direction) {
        return direction == Direction.TO_TARGET ? forwardedToTarget : forwardedFromTarget;
    }

    public long dropped(Direction direction) {
        return direction == Direction.TO_TARGET ? droppedToTarget : droppedFromTarget;
    }
}
