package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.atomix.primitive.PrimitiveState;
import io.atomix.primitive.session.SessionClient;
import io.atomix.primitive.session.SessionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one client session: opened on first use, replaced after a failure, a timed-out call or an opening that
 * does not finish in time.
 * <p>
 * The bound on the opening matters: Atomix's session opening can stay pending for good when it starts in the middle
 * of leader changes (seen in the 5-node fault suite: after a burst of elections three nodes' store calls timed out
 * for 30 minutes while the cluster itself served writes through the other two). Every call made meanwhile queued
 * behind that opening, so none of them was ever sent, and none could end the session. An opening now fails after
 * the request timeout; the calls waiting on it fail with a timeout, and the next call opens another session.
 */
final class SessionSlot {

    private static final Logger logger = LoggerFactory.getLogger(SessionSlot.class);

    private final String nodeId;

    private final Supplier<CompletableFuture<SessionClient>> opener;

    private final Duration firstOpenTimeout;

    private final Duration openTimeout;

    /** The bound of the last opening: the next one gets twice as long if that one was given up on. */
    private volatile long lastOpenMillis;

    private final AtomicReference<CompletableFuture<SessionClient>> session = new AtomicReference<>();

    /** Set when the node stops: an opening still under way then ends without a warning. */
    private volatile boolean closed;

    /**
     * The sessions this slot replaced: their end is not reported as a loss (a session closed because it opened after
     * it was given up on has no listener, so it is not kept here).
     */
    private final Set<SessionClient> closedHere = ConcurrentHashMap.newKeySet();

    /** The id each open client was last connected with: a new one means Atomix recovered an expired session. */
    private final Map<SessionClient, SessionId> connectedAs = new ConcurrentHashMap<>();

    /**
     * @param nodeId           this node, for the logs
     * @param opener           opens a new session with the cluster
     * @param firstOpenTimeout how long a first opening may take before it is given up: well below the request
     *                         timeout, so that a call that waited on an opening that hung still has time for the next
     * @param openTimeout      the longest an opening may take (after openings given up on in a row, each bound doubles
     *                         up to this one, so that a slow cluster still gets a session)
     */
    SessionSlot(String nodeId, Supplier<CompletableFuture<SessionClient>> opener, Duration firstOpenTimeout,
            Duration openTimeout) {
        this.nodeId = nodeId;
        this.opener = opener;
        this.firstOpenTimeout = firstOpenTimeout.compareTo(openTimeout) < 0 ? firstOpenTimeout : openTimeout;
        this.openTimeout = openTimeout;
        this.lastOpenMillis = this.firstOpenTimeout.toMillis();
    }

    /** The current session, or the opening of a new one when there is none or the last one failed or closed. */
    CompletableFuture<SessionClient> current() {
        while (true) {
            CompletableFuture<SessionClient> current = session.get();
            if (current != null && !current.isCompletedExceptionally()
                    && (!current.isDone() || current.join().getState() != PrimitiveState.CLOSED)) {
                return current;
            }
            CompletableFuture<SessionClient> opening = new CompletableFuture<>();
            if (session.compareAndSet(current, opening)) {
                open(opening, givenUp(current) ? Math.min(lastOpenMillis * 2, openTimeout.toMillis())
                        : firstOpenTimeout.toMillis());
                return opening;
            }
        }
    }

    /** Whether {@code previous} was an opening given up on for taking too long. */
    private static boolean givenUp(CompletableFuture<SessionClient> previous) {
        if (previous == null || !previous.isCompletedExceptionally()) {
            return false;
        }
        try {
            previous.join();
            return false;
        }
        catch (CompletionException ex) {
            return ex.getCause() instanceof TimeoutException;
        }
        catch (CancellationException ex) {
            return false;
        }
    }

    private void open(CompletableFuture<SessionClient> opening, long bound) {
        lastOpenMillis = bound;
        opening.orTimeout(bound, TimeUnit.MILLISECONDS).whenComplete((opened, error) -> {
            if (error instanceof TimeoutException && !closed) {
                logger.warn("Raft node '{}': its client session did not open within {} ms; the next request opens "
                        + "another one", nodeId, bound);
            }
        });
        CompletableFuture<SessionClient> attempt;
        try {
            attempt = opener.get();
        }
        catch (RuntimeException ex) {
            opening.completeExceptionally(ex);
            return;
        }
        attempt.whenComplete((opened, error) -> {
            if (error != null) {
                opening.completeExceptionally(error);
            }
            else if (opening.complete(opened)) {
                SessionId first = opened.sessionId();
                if (first != null) {
                    connectedAs.put(opened, first);
                }
                opened.addStateChangeListener(state -> {
                    String loss = lossReport(opened, state);
                    if (loss != null) {
                        logger.warn("{}", loss);
                    }
                });
            }
            else {
                // Given up on before it opened: nobody will use it, and its keep-alives would run for good.
                logger.debug("Raft node '{}': closing client session {}, opened after it was given up on", nodeId,
                        opened.sessionId());
                closeQuietly(opened);
            }
        });
    }

    /**
     * A call on {@code stuck} timed out. Atomix's session delivers commands in sequence, so a gap the leader waits on
     * holds up every later call of the session. The gap we saw under load came from a lost update on the leader
     * (fixed by {@link ThreadSafeRaftSession}); a call can still time out when the leader is lost mid-call, and
     * Atomix's client has rarer paths that leave a gap it does not fill. So a session with a timed-out call is
     * replaced: the next call opens a new one. Calls still in flight on the old session end as they would on a
     * timeout; none is applied twice.
     */
    void abandon(SessionClient stuck) {
        CompletableFuture<SessionClient> current = session.get();
        if (current == null || !current.isDone() || current.isCompletedExceptionally() || current.join() != stuck
                || !session.compareAndSet(current, null)) {
            return;
        }
        logger.warn("Raft node '{}': a request on its client session {} timed out; opening a new session for the "
                + "next requests", nodeId, stuck.sessionId());
        closedHere.add(stuck);
        closeQuietly(stuck);
    }

    /** Closes the session if one is open; the future completes at once when there is none. */
    CompletableFuture<Void> close() {
        closed = true;
        CompletableFuture<SessionClient> current = session.getAndSet(null);
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            return current.join().close();
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * What to log when {@code client} reaches {@code state}, or null. Atomix's client recovers a session the cluster
     * expired (its keep-alives not heard within raft.session-timeout, e.g. on a node too busy to send them) by opening
     * another under the same client: it is seen as a new session id once connected again. The requests in flight on
     * the lost session then answer TIMEOUT, so the loss is logged, as is a session that ended without this slot
     * closing it.
     */
    String lossReport(SessionClient client, PrimitiveState state) {
        if (closed || closedHere.contains(client)) {
            if (state == PrimitiveState.CLOSED) {
                closedHere.remove(client);
                connectedAs.remove(client);
            }
            return null;
        }
        String lost = "Raft node '" + nodeId + "': its client session ";
        String consequence = "; requests in flight on it answer TIMEOUT and may still be applied";
        if (state == PrimitiveState.CONNECTED) {
            SessionId now = client.sessionId();
            SessionId before = (now != null) ? connectedAs.put(client, now) : null;
            return (before == null || before.equals(now)) ? null : lost + before + " expired (the cluster did not "
                    + "hear its keep-alives within raft.session-timeout) and session " + now + " replaced it"
                    + consequence;
        }
        if (state == PrimitiveState.EXPIRED || state == PrimitiveState.CLOSED) {
            connectedAs.remove(client);
            return lost + client.sessionId() + " " + ((state == PrimitiveState.EXPIRED) ? "expired" : "was closed")
                    + " without this node closing it" + consequence + "; the next requests open a new session";
        }
        return null;
    }

    private void closeQuietly(SessionClient client) {
        client.close().whenComplete((done, error) -> {
            if (error != null) {
                logger.debug("Raft node '{}' could not close client session {}: {}", nodeId, client.sessionId(),
                        error.toString());
            }
        });
    }
}
