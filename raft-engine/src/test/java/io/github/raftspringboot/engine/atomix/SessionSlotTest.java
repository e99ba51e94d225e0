package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.atomix.primitive.PrimitiveState;
import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.operation.PrimitiveOperation;
import io.atomix.primitive.session.SessionClient;
import io.atomix.primitive.session.SessionId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The node's session slot: an opening that never finishes must not hold the node's calls for good (the 5-node fault
 * suite found three nodes whose calls all timed out for 30 minutes behind one pending opening).
 */
class SessionSlotTest {

    private static final Duration OPEN_TIMEOUT = Duration.ofMillis(200);

    private final List<CompletableFuture<SessionClient>> openings = new CopyOnWriteArrayList<>();

    @Test
    void anOpeningThatNeverFinishesIsGivenUpAndTheNextCallOpensAnotherSession() {
        AtomicInteger attempt = new AtomicInteger();
        SessionClient healthy = client(7, new byte[] {42});
        SessionSlot slot = new SessionSlot("node1", () -> {
            CompletableFuture<SessionClient> opening = new CompletableFuture<>();
            openings.add(opening);
            if (attempt.incrementAndGet() > 1) {
                opening.complete(healthy);
            }
            return opening;
        }, OPEN_TIMEOUT, OPEN_TIMEOUT);
        OrderedSessionCalls calls = new OrderedSessionCalls(slot::current, slot::abandon);

        // The first opening hangs: the call made meanwhile waits, and is sent on the session opened next.
        CompletableFuture<byte[]> waiting = calls.execute(op());
        await().atMost(5, TimeUnit.SECONDS).until(waiting::isDone);
        assertThat(waiting.join()).containsExactly(42);
        assertThat(openings).hasSize(2);
        assertThat(openings.get(0)).as("the first opening never finished").isNotDone();

        assertThat(calls.execute(op()).join()).containsExactly(42);
        assertThat(openings).as("an open session is reused").hasSize(2);
    }

    @Test
    void aSessionThatOpensAfterItWasGivenUpIsClosed() {
        CompletableFuture<SessionClient> late = new CompletableFuture<>();
        SessionSlot slot = new SessionSlot("node1", () -> late, OPEN_TIMEOUT, OPEN_TIMEOUT);
        CompletableFuture<SessionClient> opening = slot.current();
        await().atMost(5, TimeUnit.SECONDS).until(opening::isDone);
        assertThat(opening).isCompletedExceptionally();

        SessionClient client = client(9, new byte[0]);
        late.complete(client);
        verify(client).close();
    }

    @Test
    void aSessionWithATimedOutCallIsReplaced() {
        SessionClient first = client(1, new byte[0]);
        SessionClient second = client(2, new byte[0]);
        List<SessionClient> clients = new CopyOnWriteArrayList<>(List.of(first, second));
        SessionSlot slot = new SessionSlot("node1", () -> CompletableFuture.completedFuture(clients.remove(0)),
                OPEN_TIMEOUT, OPEN_TIMEOUT);
        assertThat(slot.current().join()).isSameAs(first);

        slot.abandon(first);
        verify(first).close();
        assertThat(slot.current().join()).isSameAs(second);
        slot.abandon(first);
        assertThat(slot.current().join()).as("a stale report does not end the new session").isSameAs(second);
    }

    @Test
    void aSessionTheClusterExpiredIsReportedButNotOneTheNodeReplacedOrClosed() {
        SessionClient client = client(1, new byte[0]);
        SessionSlot slot = new SessionSlot("node1", () -> CompletableFuture.completedFuture(client), OPEN_TIMEOUT,
                OPEN_TIMEOUT);
        assertThat(slot.current().join()).isSameAs(client);
        assertThat(slot.lossReport(client, PrimitiveState.SUSPENDED)).isNull();
        assertThat(slot.lossReport(client, PrimitiveState.CONNECTED)).as("the same session again").isNull();

        // Atomix's client recovered an expired session: connected again under another id.
        given(client.sessionId()).willReturn(SessionId.from(5));
        assertThat(slot.lossReport(client, PrimitiveState.CONNECTED))
            .isEqualTo("Raft node 'node1': its client session 1 expired (the cluster did not hear its keep-alives "
                    + "within raft.session-timeout) and session 5 replaced it; requests in flight on it answer "
                    + "TIMEOUT and may still be applied");
        assertThat(slot.lossReport(client, PrimitiveState.EXPIRED)).contains("session 5 expired without this node "
                + "closing it");

        SessionClient replaced = client(2, new byte[0]);
        SessionSlot replacing = new SessionSlot("node1", () -> CompletableFuture.completedFuture(replaced),
                OPEN_TIMEOUT, OPEN_TIMEOUT);
        replacing.current().join();
        replacing.abandon(replaced);
        assertThat(replacing.lossReport(replaced, PrimitiveState.CLOSED)).as("replaced by the node").isNull();
        SessionClient stopped = client(3, new byte[0]);
        SessionSlot stopping = new SessionSlot("node1", () -> CompletableFuture.completedFuture(stopped),
                OPEN_TIMEOUT, OPEN_TIMEOUT);
        stopping.current().join();
        stopping.close();
        assertThat(stopping.lossReport(stopped, PrimitiveState.CLOSED)).as("closed as the node stops").isNull();
    }

    @Test
    void eachOpeningGivenUpOnGetsTwiceTheTimeOfTheLastUpToTheLongest() {
        List<Long> givenUpAfter = new CopyOnWriteArrayList<>();
        SessionSlot slot = new SessionSlot("node1", CompletableFuture::new, Duration.ofMillis(100),
                Duration.ofMillis(300));
        for (int i = 0; i < 4; i++) {
            long started = System.nanoTime();
            CompletableFuture<SessionClient> opening = slot.current();
            await().atMost(5, TimeUnit.SECONDS).until(opening::isDone);
            givenUpAfter.add((System.nanoTime() - started) / 1_000_000);
        }
        // 100, 200, 300, 300 ms: never less than the bound (timers run late, never early)
        assertThat(givenUpAfter.get(0)).isBetween(100L, 199L + 1000L);
        assertThat(givenUpAfter.get(1)).isGreaterThanOrEqualTo(200L);
        assertThat(givenUpAfter.get(2)).isGreaterThanOrEqualTo(300L);
        assertThat(givenUpAfter.get(3)).isGreaterThanOrEqualTo(300L);
    }

    private static SessionClient client(long id, byte[] reply) {
        SessionClient client = mock(SessionClient.class);
        given(client.execute(any())).willReturn(CompletableFuture.completedFuture(reply));
        given(client.getState()).willReturn(PrimitiveState.CONNECTED);
        given(client.sessionId()).willReturn(SessionId.from(id));
        given(client.close()).willReturn(CompletableFuture.completedFuture(null));
        return client;
    }

    private static PrimitiveOperation op() {
        return PrimitiveOperation.operation(OperationId.command("apply"), new byte[0]);
    }
}
