package io.github.raftspringboot.engine.atomix;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.atomix.cluster.MemberId;
import io.atomix.protocols.raft.protocol.AppendRequest;
import io.atomix.protocols.raft.protocol.AppendResponse;
import io.atomix.protocols.raft.protocol.RaftResponse;
import io.atomix.protocols.raft.protocol.RaftServerProtocol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** The confirmation of a read index: a majority's answers, in the leader's term, to requests sent after the read. */
class AppendAcknowledgementsTest {

    private static final long TERM = 3;

    private final List<CompletableFuture<AppendResponse>> pending = new CopyOnWriteArrayList<>();

    private final AppendAcknowledgements acknowledgements = new AppendAcknowledgements();

    private final RaftServerProtocol transport = acknowledgements.wrap(sendingProtocol());

    @Test
    void anAnswerToARequestSentBeforeTheReadDoesNotConfirmIt() {
        CompletableFuture<AppendResponse> before = send("b");
        CompletableFuture<Void> read = acknowledgements.await(acknowledgements.mark(), TERM, List.of("b", "c"), 1);
        pending.get(0).complete(answer(TERM));
        assertThat(before).isDone();
        assertThat(read).isNotDone();

        send("b");
        pending.get(1).complete(answer(TERM));
        assertThat(read).isCompleted();
    }

    @Test
    void anAnswerFromAnotherTermOrAnErrorDoesNotConfirmTheRead() {
        CompletableFuture<Void> read = acknowledgements.await(acknowledgements.mark(), TERM, List.of("b", "c"), 1);
        send("b");
        pending.get(0).complete(answer(TERM + 1));
        send("c");
        pending.get(1).complete(AppendResponse.builder().withStatus(RaftResponse.Status.ERROR).build());
        send("x");
        pending.get(2).complete(answer(TERM)); // not a voter
        assertThat(read).isNotDone();

        send("c");
        pending.get(3).complete(answer(TERM));
        assertThat(read).isCompleted();
    }

    @Test
    void aFiveNodeClusterNeedsTwoFollowersAndAClusterOfOneNone() {
        CompletableFuture<Void> read = acknowledgements.await(acknowledgements.mark(), TERM,
                List.of("b", "c", "d", "e"), 2);
        send("b");
        pending.get(0).complete(answer(TERM));
        assertThat(read).isNotDone();
        send("d");
        pending.get(1).complete(answer(TERM));
        assertThat(read).isCompleted();

        assertThat(acknowledgements.await(acknowledgements.mark(), TERM, List.of(), 0)).isCompleted();
    }

    @Test
    void aConfirmationGivenUpDescribesWhatItWaitedForAndWhatCame() {
        send("b");
        pending.get(0).complete(answer(TERM));
        CompletableFuture<Void> read = acknowledgements.await(acknowledgements.mark(), TERM, List.of("b", "c"), 1);

        assertThat(acknowledgements.describe(read)).isEqualTo("requests sent after #1 in term 3, 1 answer(s) "
                + "needed; last request sent #1; answers counted: b=#1 in term 3 c=none");
        acknowledgements.forget(read);
        assertThat(acknowledgements.describe(read)).isEqualTo("no confirmation waiting");
    }

    @Test
    void otherRequestsPassThroughUnchanged() {
        assertThat(transport.toString()).isNotNull();
        assertThat(pending).isEmpty();
    }

    private CompletableFuture<AppendResponse> send(String member) {
        return transport.append(MemberId.from(member), AppendRequest.builder()
            .withTerm(TERM)
            .withLeader(MemberId.from("a"))
            .withPrevLogIndex(0)
            .withPrevLogTerm(0)
            .withEntries(List.of())
            .withCommitIndex(0)
            .build());
    }

    private static AppendResponse answer(long term) {
        return AppendResponse.builder()
            .withStatus(RaftResponse.Status.OK)
            .withTerm(term)
            .withSucceeded(true)
            .withLastLogIndex(0)
            .build();
    }

    private RaftServerProtocol sendingProtocol() {
        RaftServerProtocol protocol = mock(RaftServerProtocol.class);
        given(protocol.append(any(), any())).willAnswer(invocation -> {
            CompletableFuture<AppendResponse> response = new CompletableFuture<>();
            pending.add(response);
            return response;
        });
        return protocol;
    }
}
