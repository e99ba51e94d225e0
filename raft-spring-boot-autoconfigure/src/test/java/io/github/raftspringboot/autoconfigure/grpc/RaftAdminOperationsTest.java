package io.github.raftspringboot.autoconfigure.grpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.github.raftspringboot.admin.proto.AwaitResponse;
import io.github.raftspringboot.api.RaftException;

import static org.assertj.core.api.Assertions.assertThat;

class RaftAdminOperationsTest {

    private final AtomicLong nanos = new AtomicLong();

    private final RaftAdminOperations operations = new RaftAdminOperations(Duration.ofMinutes(5), 3, nanos::get,
            Runnable::run);

    @Test
    void tokensAreFortyHexCharactersAndUnique() {
        String first = operations.start(() -> CompletableFuture.completedFuture(1L));
        String second = operations.start(() -> CompletableFuture.completedFuture(1L));

        assertThat(first).matches("[0-9a-f]{40}");
        assertThat(second).matches("[0-9a-f]{40}").isNotEqualTo(first);
    }

    @Test
    void resultCarriesTheIndexOrTheFailureMessage() {
        String ok = operations.start(() -> CompletableFuture.completedFuture(42L));
        String failed = operations.start(() -> CompletableFuture.failedFuture(
                new RaftException(RaftException.Reason.NOT_LEADER, "AddVoter must run on the leader; the leader is 'n2'")));
        String thrown = operations.start(() -> {
            throw new IllegalStateException("boom");
        });

        assertThat(operations.get(ok).join()).isEqualTo(AwaitResponse.newBuilder().setIndex(42).build());
        assertThat(operations.get(failed).join().getError()).contains("leader is 'n2'");
        assertThat(operations.get(thrown).join().getError()).isEqualTo("boom");
    }

    @Test
    void finishedResultsExpireAfterTheTtlButRunningOperationsDoNot() {
        CompletableFuture<Long> running = new CompletableFuture<>();
        String pending = operations.start(() -> running);
        String done = operations.start(() -> CompletableFuture.completedFuture(7L));

        nanos.addAndGet(TimeUnit.MINUTES.toNanos(6));
        assertThat(operations.get(done)).isNull();
        assertThat(operations.get(pending)).isNotNull();

        running.complete(9L);
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(4));
        assertThat(operations.get(pending).join().getIndex()).isEqualTo(9);
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(6));
        assertThat(operations.get(pending)).isNull();
    }

    @Test
    void forgetFreesATokenOnce() {
        String token = operations.start(() -> CompletableFuture.completedFuture(1L));

        assertThat(operations.forget(token)).isTrue();
        assertThat(operations.forget(token)).isFalse();
        assertThat(operations.get(token)).isNull();
    }

    @Test
    void theTableIsCapped() {
        for (int i = 0; i < 10; i++) {
            operations.start(() -> CompletableFuture.completedFuture(1L));
        }

        assertThat(operations.size()).isEqualTo(3);
    }
}
