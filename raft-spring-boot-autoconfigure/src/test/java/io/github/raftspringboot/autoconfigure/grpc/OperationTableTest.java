package io.github.raftspringboot.autoconfigure.grpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Operation tokens: their shape, expiry of unclaimed results, and the cap on how many are kept. */
class OperationTableTest {

    private final AtomicLong now = new AtomicLong();

    private final OperationTable table = new OperationTable(Duration.ofMinutes(5), 3, now::get);

    @Test
    void tokensAreFortyLowerCaseHexCharactersAndUnique() {
        String first = table.register(new CompletableFuture<>());
        String second = table.register(new CompletableFuture<>());
        assertThat(first).matches("[0-9a-f]{40}").isNotEqualTo(second);
        assertThat(OperationTable.isWellFormed(first)).isTrue();
        assertThat(OperationTable.isWellFormed("xyz")).isFalse();
        assertThat(OperationTable.isWellFormed("g".repeat(40))).isFalse();
    }

    @Test
    void aFinishedResultExpiresAfterItsTimeToLiveButARunningOneDoesNot() {
        CompletableFuture<Long> finished = new CompletableFuture<>();
        CompletableFuture<Long> running = new CompletableFuture<>();
        String finishedToken = table.register(finished);
        String runningToken = table.register(running);
        finished.complete(7L);

        now.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(table.find(finishedToken)).hasValueSatisfying(outcome -> assertThat(outcome.join()).isEqualTo(7));
        now.addAndGet(1);
        assertThat(table.find(finishedToken)).isEmpty();
        assertThat(table.find(runningToken)).isPresent();

        // Expired entries are dropped from memory at the next registration.
        table.register(CompletableFuture.completedFuture(1L));
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void forgetDropsTheTokenOnce() {
        String token = table.register(CompletableFuture.completedFuture(3L));
        assertThat(table.forget(token)).isTrue();
        assertThat(table.forget(token)).isFalse();
        assertThat(table.find(token)).isEmpty();
    }

    @Test
    void whenFullTheOldestFinishedResultMakesRoomAndRunningOnesAreNeverDropped() {
        CompletableFuture<Long> older = new CompletableFuture<>();
        CompletableFuture<Long> newer = new CompletableFuture<>();
        String olderToken = table.register(older);
        String newerToken = table.register(newer);
        String runningToken = table.register(new CompletableFuture<>());
        newer.complete(2L);
        now.addAndGet(10);
        older.complete(1L);

        String fourth = table.register(new CompletableFuture<>());
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.find(newerToken)).as("finished first, dropped first").isEmpty();
        assertThat(table.find(olderToken)).isPresent();
        assertThat(table.find(runningToken)).isPresent();
        assertThat(table.find(fourth)).isPresent();

        table.register(new CompletableFuture<>());
        assertThatThrownBy(() -> table.register(new CompletableFuture<>()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, ex -> {
                assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(ex.getStatus().getDescription()).contains("raft.grpc.admin.max-operations");
            });
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new OperationTable(Duration.ZERO, 3, now::get))
            .hasMessageContaining("raft.grpc.admin.result-ttl");
        assertThatThrownBy(() -> new OperationTable(Duration.ofMinutes(1), 0, now::get))
            .hasMessageContaining("raft.grpc.admin.max-operations");
    }
}
