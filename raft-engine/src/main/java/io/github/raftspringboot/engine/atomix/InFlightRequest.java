package io.github.raftspringboot.engine.atomix;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.RaftResponse;

/**
 * One request of this node's client session on its way to a leader: the member that is meant to answer it now (its
 * <em>target</em>), and the one answer that goes back to Atomix. The target changes when the request is carried over
 * to a new leader; each change starts a new <em>generation</em>, and only the first send of the current generation
 * may answer with an error. Any copy's OK answer is the answer: a leader answers OK only for a command it committed
 * (or a query it confirmed with a majority), whichever copy that was.
 */
final class InFlightRequest<T, R extends RaftResponse> {

    private final T request;

    private final BiFunction<MemberId, T, CompletableFuture<R>> send;

    private final CompletableFuture<R> answer = new CompletableFuture<>();

    /** When Atomix's client handed the request over ({@link System#nanoTime()}). */
    private final long sentNanos = System.nanoTime();

    /** Guarded by this: the member meant to answer; null while waiting for a leader. */
    private MemberId target;

    /** Guarded by this: the term this node knew when it chose {@code target}. */
    private long targetTerm;

    /** Guarded by this. */
    private int generation;

    InFlightRequest(T request, BiFunction<MemberId, T, CompletableFuture<R>> send) {
        this.request = request;
        this.send = send;
    }

    T request() {
        return request;
    }

    /** The member meant to answer now; null while waiting for a leader. */
    synchronized MemberId target() {
        return target;
    }

    /** When Atomix's client handed the request over ({@link System#nanoTime()}). */
    long sentNanos() {
        return sentNanos;
    }

    CompletableFuture<R> answer() {
        return answer;
    }

    boolean isAnswered() {
        return answer.isDone();
    }

    /**
     * Makes {@code member}, known in {@code term}, the target unless it already is: returns the new generation, or
     * 0 when this request already waits on that member in that term.
     */
    synchronized int carryOver(MemberId member, long term) {
        if (target != null && target.equals(member) && term <= targetTerm) {
            return 0;
        }
        target = member;
        targetTerm = term;
        return ++generation;
    }

    /** The term in which the current target was chosen. */
    synchronized long targetTerm() {
        return targetTerm;
    }

    /** Generation {@code failed} got no usable answer: no target until a leader is found; false if superseded. */
    synchronized boolean orphan(int failed) {
        if (failed != generation) {
            return false;
        }
        target = null;
        return true;
    }

    synchronized boolean isCurrent(int candidate) {
        return candidate == generation;
    }

    /** Sends one copy to {@code member}. */
    CompletableFuture<R> sendTo(MemberId member) {
        return send.apply(member, request);
    }

    void complete(R response, Throwable error) {
        if (error != null) {
            answer.completeExceptionally(error);
        }
        else {
            answer.complete(response);
        }
    }
}
