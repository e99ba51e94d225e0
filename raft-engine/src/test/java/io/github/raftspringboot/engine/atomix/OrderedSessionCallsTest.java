package io.github.raftspringboot.engine.atomix;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.atomix.primitive.operation.OperationId;
import io.atomix.primitive.operation.PrimitiveOperation;
import io.atomix.primitive.session.SessionClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** The hand-over of calls to the node's session: call order, calls given up before sending, stuck sessions. */
class OrderedSessionCallsTest {

    private final List<String> sent = new CopyOnWriteArrayList<>();

    private final List<SessionClient> timedOut = new CopyOnWriteArrayList<>();

    private final CompletableFuture<byte[]> never = new CompletableFuture<>();

    private final SessionClient client = recordingClient();

    @Test
    void callsMadeWhileTheSessionOpensAreSentInCallOrder() {
        CompletableFuture<SessionClient> opening = new CompletableFuture<>();
        OrderedSessionCalls calls = new OrderedSessionCalls(() -> opening, timedOut::add);
        List<CompletableFuture<byte[]>> results = List.of(calls.execute(op("a")), calls.execute(op("b")),
                calls.execute(op("c")));
        assertThat(sent).isEmpty();

        opening.complete(client);
        await().until(() -> sent.size() == 3);
        assertThat(sent).containsExactly("a", "b", "c");
        calls.execute(op("d"));
        assertThat(sent).containsExactly("a", "b", "c", "d");
        assertThat(results).allMatch(CompletableFuture::isDone);
    }

    @Test
    void aCallGivenUpBeforeTheSessionOpenedIsNeverSent() {
        CompletableFuture<SessionClient> opening = new CompletableFuture<>();
        OrderedSessionCalls calls = new OrderedSessionCalls(() -> opening, timedOut::add);
        calls.execute(op("late")).completeExceptionally(new TimeoutException());
        calls.execute(op("next"));

        opening.complete(client);
        await().until(() -> sent.contains("next"));
        assertThat(sent).containsExactly("next");
    }

    @Test
    void aSessionThatThrowsFailsThatCallOnlyAndLaterCallsAreStillSent() {
        CompletableFuture<SessionClient> opening = new CompletableFuture<>();
        OrderedSessionCalls calls = new OrderedSessionCalls(() -> opening, timedOut::add);
        CompletableFuture<byte[]> failing = calls.execute(op("throws"));
        CompletableFuture<byte[]> queued = calls.execute(op("after"));

        opening.complete(client);
        await().until(() -> failing.isDone() && queued.isDone());
        assertThat(failing).isCompletedExceptionally();
        assertThat(new String(queued.join())).isEqualTo("after");
        assertThat(new String(calls.execute(op("later")).join())).isEqualTo("later");
    }

    @Test
    void aSentCallThatTimesOutReportsItsSession() {
        OrderedSessionCalls calls = new OrderedSessionCalls(() -> CompletableFuture.completedFuture(client),
                timedOut::add);
        CompletableFuture<byte[]> stuck = calls.execute(op("stuck"));
        assertThat(timedOut).isEmpty();

        stuck.orTimeout(10, TimeUnit.MILLISECONDS);
        await().until(() -> !timedOut.isEmpty());
        assertThat(timedOut).containsExactly(client);
    }

    @Test
    void aTimedOutCallDoesNotReportItsSessionWhenALaterCallWasAnsweredOnIt() {
        OrderedSessionCalls calls = new OrderedSessionCalls(() -> CompletableFuture.completedFuture(client),
                timedOut::add);
        CompletableFuture<byte[]> slow = calls.execute(op("stuck"));
        assertThat(new String(calls.execute(op("answered")).join())).isEqualTo("answered");

        slow.completeExceptionally(new TimeoutException());

        // The session moves: replacing it would end every other call in flight on it.
        assertThat(timedOut).isEmpty();
        CompletableFuture<byte[]> stuckAfter = calls.execute(op("stuck"));
        stuckAfter.completeExceptionally(new TimeoutException());
        assertThat(timedOut).as("nothing was answered after this one").containsExactly(client);
    }

    private SessionClient recordingClient() {
        SessionClient session = mock(SessionClient.class);
        given(session.execute(any())).willAnswer(invocation -> {
            PrimitiveOperation operation = invocation.getArgument(0);
            String name = new String(operation.value());
            sent.add(name);
            if (name.equals("throws")) {
                throw new IllegalStateException("session closed");
            }
            return name.equals("stuck") ? never : CompletableFuture.completedFuture(operation.value());
        });
        return session;
    }

    private static PrimitiveOperation op(String name) {
        return PrimitiveOperation.operation(OperationId.command("apply"), name.getBytes());
    }
}
