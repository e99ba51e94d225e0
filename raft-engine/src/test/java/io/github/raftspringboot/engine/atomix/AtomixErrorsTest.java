package io.github.raftspringboot.engine.atomix;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import io.atomix.primitive.PrimitiveException;
import io.atomix.protocols.raft.RaftError;
import org.junit.jupiter.api.Test;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftException.Reason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Atomix answers a membership change that it cannot start (another change still being committed, a leader that has
 * not committed its first entry) with an error status and no error: that must be a clear reason, not an NPE.
 */
class AtomixErrorsTest {

    @Test
    void aResponseWithoutAnErrorIsABusyConfiguration() {
        RaftException failure = AtomixErrors.fromResponse(null, "RemoveServer", "node1");
        assertThat(failure.reason()).isEqualTo(Reason.CONFIGURATION_BUSY);
        assertThat(failure.getMessage()).contains("RemoveServer failed: another membership change is still being "
                + "committed").contains("retry").contains("(leader: node1)");
    }

    @Test
    void aConfigurationThatCouldNotBeConfirmedMayStillTakeEffect() {
        RaftException failure = AtomixErrors.fromResponse(new RaftError(RaftError.Type.PROTOCOL_ERROR, null),
                "AddVoter", null);
        assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(failure.getMessage()).contains("it may still take effect");
    }

    @Test
    void anInvalidArgumentIsAnInvalidRequest() {
        RaftException failure = AtomixErrors.translate(new IllegalArgumentException("address 'x' is bad"), "AddVoter",
                null);
        assertThat(failure.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(failure.getMessage()).isEqualTo("AddVoter: address 'x' is bad");
    }

    @Test
    void anUnreachableLeaderIsATimeoutThatMayStillTakeEffect() {
        RaftException failure = AtomixErrors.translate(
                new CompletionException(
                        new ConnectException("Raft member 'node1' is unreachable: connection refused")),
                "addVoter on the leader 'node1'", "node1");
        // Not NO_LEADER: that reason promises the request did not happen, and a broken link cannot promise it.
        assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(failure.leaderId()).isEqualTo("node1");
        assertThat(failure.getMessage()).startsWith("addVoter on the leader 'node1' got no answer: Raft member 'node1' "
                + "is unreachable: connection refused; ").contains("it may still take effect").contains("retry");
    }

    @Test
    void aClosedSessionWhileTheNodeRunsIsATimeoutThatMayStillTakeEffect() {
        // What the calls in flight on a session replaced after a timeout saw under load: 255 writes answered 503
        // "the Raft node is stopping" by a node that went on leading (benchmark, put with 256 clients, 2026-12-04).
        RaftException failure = AtomixErrors.translateOnSession(
                new CompletionException(new PrimitiveException.ClosedSession()), "Write", "node2", true);
        assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(failure.getMessage()).startsWith("Write did not complete: the node's client session it was sent on "
                + "was closed").contains("while the node runs").contains("it may still be applied later")
            .doesNotContain("stopping").endsWith("(leader: node2)");
    }

    @Test
    void aClosedSessionOfAStoppingNodeIsAShutdown() {
        RaftException failure = AtomixErrors.translateOnSession(
                new CompletionException(new PrimitiveException.ClosedSession()), "Write", null, false);
        assertThat(failure.reason()).isEqualTo(Reason.SHUTDOWN);
        assertThat(failure.getMessage()).isEqualTo("Write failed: the Raft node is stopping");
    }
}
