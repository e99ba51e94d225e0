package io.github.raftspringboot.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.ReadConsistency;
import io.github.raftspringboot.api.WriteResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the store bean promises about values, operations and bad input, on a live one-node cluster. */
class StoreSemanticsTest {

    @TempDir
    static Path dir;

    static TestCluster cluster;

    static RaftKeyValueStore store;

    static final JsonMapper json = new JsonMapper();

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(1, dir, Map.of("raft.limits.max-key-size", "64B", "raft.limits.max-value-size", "1KB"));
        store = cluster.store(cluster.awaitLeader());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void storesEveryKindOfJsonValue() {
        Map<String, Object> values = Map.of("string", "text", "number", 42, "decimal", 1.5, "boolean", true,
                "array", List.of(1, "two", List.of(3)), "object", Map.of("a", Map.of("b", 1)));
        values.forEach(store::put);
        values.forEach((key, value) -> {
            if (!key.equals("decimal")) {
                assertThat(store.get(key)).contains(json.valueToTree(value));
            }
        });
        // Decimals are kept exactly as written: they read back as BigDecimal, not double.
        assertThat(store.get("decimal").orElseThrow().decimalValue()).isEqualTo("1.5");
        assertThat(store.get("decimal", Double.class)).contains(1.5);
        assertThat(store.get("object", Map.class)).contains(Map.of("a", Map.of("b", 1)));
        assertThat(store.get("never-written")).isEmpty();
        store.put("node", json.readTree("{\"x\":[1,2]}"));
        assertThat(store.get("node")).contains(json.readTree("{\"x\":[1,2]}"));
    }

    @Test
    void deleteAndCompareAndSetReportWhetherTheyChangedAnything() {
        assertThat(store.compareAndSet("cas", null, 1).changed()).isTrue();
        assertThat(store.compareAndSet("cas", null, 2).changed()).isFalse();
        assertThat(store.compareAndSet("cas", 1, 3).changed()).isTrue();
        assertThat(store.get("cas")).contains(json.valueToTree(3));
        assertThat(store.compareAndSet("cas", 3, null).changed()).isTrue();
        assertThat(store.get("cas")).isEmpty();
        store.put("gone", 1);
        assertThat(store.delete("gone").changed()).isTrue();
        assertThat(store.delete("gone").changed()).isFalse();
    }

    @Test
    void putAllIsOneLogEntryAndPrefixQueriesAreSorted() {
        WriteResult result = store.putAll(Map.of("p/b", 2, "p/a", 1, "p/c", 3));
        assertThat(result.changed()).isTrue();
        assertThat(store.keys("p/")).containsExactly("p/a", "p/b", "p/c");
        assertThat(store.entries("p/", ReadConsistency.LINEARIZABLE)).containsOnlyKeys("p/a", "p/b", "p/c");
        assertThat(store.keys("p/", ReadConsistency.LOCAL)).containsExactly("p/a", "p/b", "p/c");
        assertThat(store.size()).isEqualTo(store.size(ReadConsistency.LOCAL));
    }

    @Test
    void asyncWritesFromManyCallersAllApply() {
        List<CompletableFuture<WriteResult>> writes = IntStream.range(0, 200)
            .mapToObj(i -> store.async().put("async-" + i, i))
            .toList();
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        assertThat(writes.stream().map(CompletableFuture::join).map(WriteResult::index).distinct()).hasSize(200);
        assertThat(store.keys("async-")).hasSize(200);
    }

    @Test
    void rejectsBadInputBeforeItReachesTheLog() {
        long indexBefore = cluster.node("node1").status().lastLogIndex();
        assertThatThrownBy(() -> store.put("", 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("must not be null or empty");
        assertThatThrownBy(() -> store.put(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put("k".repeat(65), 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("raft.limits.max-key-size");
        assertThatThrownBy(() -> store.put("big", "x".repeat(2000))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("raft.limits.max-value-size");
        assertThatThrownBy(() -> store.put("null", null)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("is null").hasMessageContaining("use delete");
        assertThatThrownBy(() -> store.putAll(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(cluster.node("node1").status().lastLogIndex()).isEqualTo(indexBefore);
    }

    @Test
    void applyCommandTakesTheDocumentedJsonAndRefusesAnythingElse() {
        long index = cluster.node("node1").applyCommand("{\"op\":\"put\",\"key\":\"raw\",\"value\":[1]}".getBytes()).join();
        assertThat(index).isPositive();
        assertThat(store.get("raw")).contains(json.readTree("[1]"));
        for (String bad : List.of("not json", "[]", "{\"op\":\"explode\"}", "{\"op\":\"put\",\"key\":1,\"value\":1}",
                "{\"op\":\"put\",\"key\":\"a\"}")) {
            assertThatThrownBy(() -> cluster.node("node1").applyCommand(bad.getBytes()).join())
                .cause()
                .isInstanceOf(RaftException.class)
                .satisfies(error -> assertThat(((RaftException) error).reason())
                    .isEqualTo(RaftException.Reason.INVALID_REQUEST));
        }
        JsonNode unchanged = store.get("raw").orElseThrow();
        assertThat(unchanged).isEqualTo(json.readTree("[1]"));
    }
}
