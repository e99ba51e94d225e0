package io.github.raftspringboot.engine.kv;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.github.raftspringboot.api.RaftException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** How {@link WriteBatcher} groups writes: checked against a log that completes commands when the test says so. */
class WriteBatcherTest {

    private final JsonMapper mapper = new JsonMapper();

    /** The commands handed to the log, and their futures, which the test completes. */
    private final List<String> sent = new ArrayList<>();

    private final List<CompletableFuture<WriteBatcher.Reply>> pending = new ArrayList<>();

    private WriteBatcher batcher(int maxInFlight, int maxBatchBytes) {
        return new WriteBatcher(command -> {
            sent.add(new String(command, StandardCharsets.UTF_8));
            CompletableFuture<WriteBatcher.Reply> reply = new CompletableFuture<>();
            pending.add(reply);
            return reply;
        }, mapper, maxInFlight, maxBatchBytes, 60_000);
    }

    private WriteBatcher.Write put(String key, int value) {
        ObjectNode op = StoreCommands.NODES.objectNode().put("type", "PUT").put("key", key).put("value", value);
        return new WriteBatcher.Write(() -> StoreCommands.put(mapper, key, StoreCommands.NODES.numberNode(value)),
                List.of(op), 64);
    }

    private static WriteBatcher.Reply reply(String json, long index) {
        return new WriteBatcher.Reply(new JsonMapper().readTree(json), index);
    }

    private JsonNode sentJson(int i) {
        return mapper.readTree(sent.get(i));
    }

    @Test
    void writesGoAloneAsTheirOwnCommandWhileThereIsRoomInFlight() {
        WriteBatcher batcher = batcher(2, 1024);
        CompletableFuture<WriteBatcher.Reply> first = batcher.write(put("a", 1));
        CompletableFuture<WriteBatcher.Reply> second = batcher.write(put("b", 2));
        assertThat(sent).containsExactly("{\"op\":\"put\",\"key\":\"a\",\"value\":1}",
                "{\"op\":\"put\",\"key\":\"b\",\"value\":2}");
        pending.get(0).complete(reply("{\"changed\":true}", 7));
        assertThat(first.join().index()).isEqualTo(7);
        assertThat(first.join().body().path("changed").asBoolean()).isTrue();
        assertThat(second).isNotDone();
        assertThat(batcher.waiting()).isZero();
    }

    @Test
    void writesBeyondTheLimitWaitThenGoTogetherInCallOrderAsOneTransaction() {
        WriteBatcher batcher = batcher(1, 1024);
        CompletableFuture<WriteBatcher.Reply> first = batcher.write(put("a", 1));
        CompletableFuture<WriteBatcher.Reply> b = batcher.write(put("b", 2));
        CompletableFuture<WriteBatcher.Reply> c = batcher.write(put("c", 3));
        ObjectNode deleteA = StoreCommands.NODES.objectNode().put("type", "DELETE").put("key", "a");
        CompletableFuture<WriteBatcher.Reply> d = batcher.write(
                new WriteBatcher.Write(() -> StoreCommands.delete(mapper, "a"), List.of(deleteA), 64));
        assertThat(sent).hasSize(1);
        assertThat(batcher.waiting()).isEqualTo(3);

        pending.get(0).complete(reply("{\"changed\":true}", 5));
        assertThat(first.join().index()).isEqualTo(5);
        assertThat(sent).hasSize(2);
        JsonNode batch = sentJson(1);
        assertThat(batch.path("op").asString()).isEqualTo("txn");
        assertThat(batch.path("brief").asBoolean()).isTrue();
        assertThat(batch.path("compare")).isEmpty();
        assertThat(batch.path("failure")).isEmpty();
        assertThat(batch.path("success").toString())
            .isEqualTo("[{\"type\":\"PUT\",\"key\":\"b\",\"value\":2},{\"type\":\"PUT\",\"key\":\"c\",\"value\":3},"
                    + "{\"type\":\"DELETE\",\"key\":\"a\"}]");

        pending.get(1).complete(reply("{\"succeeded\":true,\"results\":[{\"type\":\"PUT\",\"key\":\"b\",\"changed\":true},"
                + "{\"type\":\"PUT\",\"key\":\"c\",\"changed\":false},{\"type\":\"DELETE\",\"key\":\"a\",\"changed\":true}]}", 6));
        assertThat(b.join().index()).isEqualTo(6);
        assertThat(b.join().body().path("changed").asBoolean()).isTrue();
        assertThat(c.join().body().path("changed").asBoolean()).isFalse();
        assertThat(d.join().index()).isEqualTo(6);
        assertThat(d.join().body().path("changed").asBoolean()).isTrue();
        assertThat(batcher.waiting()).isZero();
    }

    @Test
    void aWriteThatNeverBatchesKeepsItsPlaceAndGoesAlone() {
        WriteBatcher batcher = batcher(1, 1024);
        batcher.write(put("a", 1));
        CompletableFuture<WriteBatcher.Reply> b = batcher.write(put("b", 2));
        byte[] cas = "{\"op\":\"cas\",\"key\":\"b\",\"expected\":2,\"value\":3}".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<WriteBatcher.Reply> casResult = batcher.write(WriteBatcher.Write.alone(cas));
        CompletableFuture<WriteBatcher.Reply> c = batcher.write(put("c", 4));

        pending.get(0).complete(reply("{\"changed\":true}", 1));
        // b alone (one batchable write before the compare-and-set is its own command), then the cas, then c.
        assertThat(sent.get(1)).isEqualTo("{\"op\":\"put\",\"key\":\"b\",\"value\":2}");
        pending.get(1).complete(reply("{\"changed\":true}", 2));
        assertThat(b.join().index()).isEqualTo(2);
        assertThat(sent.get(2)).isEqualTo(new String(cas, StandardCharsets.UTF_8));
        pending.get(2).complete(reply("{\"changed\":true}", 3));
        assertThat(casResult.join().index()).isEqualTo(3);
        assertThat(sent.get(3)).isEqualTo("{\"op\":\"put\",\"key\":\"c\",\"value\":4}");
        assertThat(c).isNotDone();
    }

    @Test
    void aBatchStopsAtItsByteLimitAndTheRestGoesNext() {
        WriteBatcher batcher = batcher(1, 150);
        batcher.write(put("a", 1));
        for (int i = 0; i < 5; i++) {
            batcher.write(put("k" + i, i));
        }
        pending.get(0).complete(reply("{\"changed\":true}", 1));
        // 64 bytes each: two fit in 150.
        assertThat(sentJson(1).path("success")).hasSize(2);
        pending.get(1).complete(reply("{\"succeeded\":true,\"results\":[{\"changed\":true},{\"changed\":true}]}", 2));
        assertThat(sentJson(2).path("success")).hasSize(2);
        pending.get(2).complete(reply("{\"succeeded\":true,\"results\":[{\"changed\":true},{\"changed\":true}]}", 3));
        assertThat(sent.get(3)).isEqualTo("{\"op\":\"put\",\"key\":\"k4\",\"value\":4}");
    }

    @Test
    void aFailedBatchFailsEachOfItsWritesAndTheNextWritesStillGo() {
        WriteBatcher batcher = batcher(1, 1024);
        batcher.write(put("a", 1));
        CompletableFuture<WriteBatcher.Reply> b = batcher.write(put("b", 2));
        CompletableFuture<WriteBatcher.Reply> c = batcher.write(put("c", 3));
        pending.get(0).complete(reply("{\"changed\":true}", 1));
        CompletableFuture<WriteBatcher.Reply> d = batcher.write(put("d", 4));
        pending.get(1).completeExceptionally(new RaftException(RaftException.Reason.TIMEOUT, "timed out"));
        assertThatThrownBy(b::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("timed out");
        assertThatThrownBy(c::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("timed out");
        assertThat(sent.get(2)).isEqualTo("{\"op\":\"put\",\"key\":\"d\",\"value\":4}");
        pending.get(2).complete(reply("{\"changed\":false}", 3));
        assertThat(d.join().index()).isEqualTo(3);
    }

    @Test
    void aCommandTheLogRefusesAtOnceFailsOnlyItsWrites() {
        List<String> refused = new ArrayList<>();
        WriteBatcher batcher = new WriteBatcher(command -> {
            refused.add(new String(command, StandardCharsets.UTF_8));
            throw new IllegalArgumentException("too large");
        }, mapper, 1, 1024, 60_000);
        CompletableFuture<WriteBatcher.Reply> a = batcher.write(put("a", 1));
        CompletableFuture<WriteBatcher.Reply> b = batcher.write(put("b", 2));
        assertThatThrownBy(a::join).hasRootCauseMessage("too large");
        assertThatThrownBy(b::join).hasRootCauseMessage("too large");
        assertThat(refused).hasSize(2);
        assertThat(batcher.waiting()).isZero();
    }

    @Test
    void anInvalidBatchGivesEveryWriteTheStateMachinesError() {
        WriteBatcher batcher = batcher(1, 1024);
        batcher.write(put("a", 1));
        CompletableFuture<WriteBatcher.Reply> b = batcher.write(put("b", 2));
        CompletableFuture<WriteBatcher.Reply> c = batcher.write(put("c", 3));
        pending.get(0).complete(reply("{\"changed\":true}", 1));
        pending.get(1).complete(reply("{\"error\":\"Invalid store command: bad\"}", 2));
        assertThat(b.join().body().path("error").asString()).isEqualTo("Invalid store command: bad");
        assertThat(c.join().body().path("error").asString()).isEqualTo("Invalid store command: bad");
    }

    @Test
    void aWriteThatTimesOutWhileItWaitsIsNeverSent() {
        WriteBatcher batcher = new WriteBatcher(command -> {
            sent.add(new String(command, StandardCharsets.UTF_8));
            CompletableFuture<WriteBatcher.Reply> reply = new CompletableFuture<>();
            pending.add(reply);
            return reply;
        }, mapper, 1, 1024, 200);
        batcher.write(put("a", 1));
        CompletableFuture<WriteBatcher.Reply> b = batcher.write(put("b", 2));
        await().atMost(Duration.ofSeconds(10)).until(b::isDone);
        assertThatThrownBy(b::join).hasCauseInstanceOf(TimeoutException.class);
        pending.get(0).complete(reply("{\"changed\":true}", 1));
        assertThat(sent).hasSize(1);
        assertThat(batcher.waiting()).isZero();
        batcher.write(put("c", 3));
        assertThat(sent).hasSize(2);
    }

    @Test
    void refusesAnInFlightLimitBelowOne() {
        assertThatThrownBy(() -> batcher(0, 1024)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at least 1");
    }
}
