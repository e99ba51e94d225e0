package io.github.raftspringboot.engine.atomix;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** One read-index request in flight at a time; reads that arrive meanwhile share the next one. */
class ReadIndexBatcherTest {

    private final List<CompletableFuture<Long>> requests = new CopyOnWriteArrayList<>();

    private final ReadIndexBatcher batcher = new ReadIndexBatcher(this::request, Duration.ofMinutes(1));

    private CompletableFuture<Long> request() {
        CompletableFuture<Long> request = new CompletableFuture<>();
        requests.add(request);
        return request;
    }

    @Test
    void readsThatArriveWhileARequestIsInFlightShareTheNextRequestNotTheCurrentOne() {
        CompletableFuture<Long> first = batcher.readIndex();
        CompletableFuture<Long> second = batcher.readIndex();
        CompletableFuture<Long> third = batcher.readIndex();
        assertThat(requests).hasSize(1);

        requests.get(0).complete(10L);
        assertThat(first).isCompletedWithValue(10L);
        // Asked before the second and third reads began: its index must not serve them.
        assertThat(second).isNotDone();
        assertThat(requests).hasSize(2);

        requests.get(1).complete(12L);
        assertThat(second).isCompletedWithValue(12L);
        assertThat(third).isCompletedWithValue(12L);
        assertThat(requests).hasSize(2);

        CompletableFuture<Long> later = batcher.readIndex();
        assertThat(requests).hasSize(3);
        requests.get(2).complete(13L);
        assertThat(later).isCompletedWithValue(13L);
    }

    @Test
    void aFailedRequestFailsItsReadsOnlyAndTheNextOneIsStillSent() {
        CompletableFuture<Long> first = batcher.readIndex();
        CompletableFuture<Long> second = batcher.readIndex();
        requests.get(0).completeExceptionally(new IllegalStateException("no leader"));
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isNotDone();
        requests.get(1).complete(7L);
        assertThat(second).isCompletedWithValue(7L);
    }

    @Test
    void aRequestThatIsNeverAnsweredFailsAtItsBoundAndTheReadsBehindItGetANewOne() {
        ReadIndexBatcher bounded = new ReadIndexBatcher(this::request, Duration.ofSeconds(1));
        CompletableFuture<Long> lost = bounded.readIndex();
        CompletableFuture<Long> behind = bounded.readIndex();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(lost::isDone);
        assertThatThrownBy(lost::join).hasCauseInstanceOf(TimeoutException.class);
        // Without the bound every later read of the node waited behind the lost request for good.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> requests.size() == 2);
        requests.get(1).complete(21L);
        assertThat(behind).isCompletedWithValue(21L);
        CompletableFuture<Long> later = bounded.readIndex();
        requests.get(2).complete(22L);
        assertThat(later).isCompletedWithValue(22L);
    }
}
