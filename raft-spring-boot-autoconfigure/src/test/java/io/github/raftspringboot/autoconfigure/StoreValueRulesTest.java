package io.github.raftspringboot.autoconfigure;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

import io.github.raftspringboot.api.RaftBackup;
import io.github.raftspringboot.api.RaftException;
import io.github.raftspringboot.api.RaftKeyValueStore;
import io.github.raftspringboot.api.RaftNode;
import io.github.raftspringboot.api.ReadConsistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The store's value rules on a live three-node cluster: null is refused on every write path, numbers are kept
 * exactly as written through the log, followers, backups and restores, and duplicate object keys are refused. Every
 * refusal leaves the data as it was.
 */
class StoreValueRulesTest {

    private static final Map<String, Object> BASELINE = Map.of("keep", 1, "keep-too", "text");

    @TempDir
    static Path dir;

    static TestCluster cluster;

    static RaftKeyValueStore store;

    static RaftNode leader;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(3, dir, TestCluster.fastTimings());
        String leaderId = cluster.awaitLeader();
        store = cluster.store(leaderId);
        leader = cluster.node(leaderId);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @BeforeEach
    void baseline() {
        store.keys("").forEach(store::delete);
        store.putAll(BASELINE);
    }

    static Stream<Arguments> nullOrNonFiniteWrites() {
        return Stream.of(
                Arguments.of("put NullNode", (Write) s -> s.put("n", NullNode.getInstance()), "is null"),
                Arguments.of("put Java null", (Write) s -> s.put("n", null), "is null"),
                Arguments.of("putAll with a null value", (Write) s -> s.putAll(mapWithNull()), "is null"),
                Arguments.of("putAll with a NullNode", (Write) s -> s.putAll(Map.of("n", NullNode.getInstance())),
                        "is null"),
                Arguments.of("compareAndSet to a NullNode", (Write) s -> s.compareAndSet("keep", 1,
                        NullNode.getInstance()), "is null"),
                Arguments.of("put NaN", (Write) s -> s.put("n", Double.NaN), "NaN"),
                Arguments.of("put Infinity", (Write) s -> s.put("n", Double.POSITIVE_INFINITY), "Infinity"),
                Arguments.of("put a float infinity", (Write) s -> s.put("n", Float.NEGATIVE_INFINITY), "-Infinity"),
                Arguments.of("put -Infinity nested", (Write) s -> s.put("n", Map.of("a", List.of(1,
                        Double.NEGATIVE_INFINITY))), "-Infinity at /a/1"),
                Arguments.of("putAll with NaN", (Write) s -> s.putAll(Map.of("n", Double.NaN)), "NaN"),
                Arguments.of("async put NullNode", (Write) s -> joined(() -> s.async().put("n", NullNode.getInstance())),
                        "is null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullOrNonFiniteWrites")
    void refusesNullAndNonFiniteValuesThroughTheApi(String name, Write write, String message) {
        long before = leader.status().lastLogIndex();
        assertThatThrownBy(() -> write.to(store)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message);
        assertThat(leader.status().lastLogIndex()).as("nothing reached the log").isEqualTo(before);
        assertUnchanged();
    }

    static Stream<Arguments> rawCommands() {
        return Stream.of(
                Arguments.of("{\"op\":\"put\",\"key\":\"n\",\"value\":null}", "is null"),
                Arguments.of("{\"op\":\"put_all\",\"entries\":{\"a\":1,\"n\":null}}", "is null"),
                Arguments.of("{\"op\":\"cas\",\"key\":\"keep\",\"expected\":1,\"value\":{\"x\":1,\"x\":2}}",
                        "Duplicate Object property \"x\""),
                Arguments.of("{\"op\":\"put\",\"key\":\"d\",\"value\":{\"d\":1,\"d\":2}}",
                        "Duplicate Object property \"d\""),
                Arguments.of("{\"op\":\"put\",\"key\":\"a\",\"key\":\"keep\",\"value\":1}",
                        "Duplicate Object property \"key\""),
                Arguments.of("{\"op\":\"put_all\",\"entries\":{\"keep\":5,\"keep\":6}}",
                        "Duplicate Object property \"keep\""),
                Arguments.of("{\"op\":\"put\",\"key\":\"n\",\"value\":NaN}", "not a valid JSON document"),
                Arguments.of("{\"op\":\"put\",\"key\":\"n\",\"value\":Infinity}", "not a valid JSON document"),
                Arguments.of("{\"op\":\"put\",\"key\":\"n\",\"value\":1" + "0".repeat(1200) + "}",
                        "Number value length"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawCommands")
    void refusesNullDuplicateKeysAndNonJsonNumbersInRawCommands(String command, String message) {
        assertThatThrownBy(() -> leader.applyCommand(command.getBytes(StandardCharsets.UTF_8)).join())
            .isInstanceOf(CompletionException.class)
            .cause()
            .isInstanceOf(RaftException.class)
            .hasMessageContaining(message)
            .satisfies(error -> assertThat(((RaftException) error).reason())
                .isEqualTo(RaftException.Reason.INVALID_REQUEST));
        assertUnchanged();
    }

    @Test
    void keepsNumbersExactlyAsWrittenOnEveryNodeAndThroughBackupAndRestore() throws Exception {
        String document = "{\"op\":\"put_all\",\"entries\":{\"huge\":1e999999,\"tiny\":1e-999999,"
                + "\"precise\":0.1000000000000000055511151231257827,\"scaled\":1.50,"
                + "\"big\":123456789012345678901234567890,\"double\":0.1}}";
        leader.applyCommand(document.getBytes(StandardCharsets.UTF_8)).join();
        Map<String, BigDecimal> expected = Map.of("huge", new BigDecimal("1e999999"),
                "tiny", new BigDecimal("1e-999999"), "precise", new BigDecimal("0.1000000000000000055511151231257827"),
                "scaled", new BigDecimal("1.50"), "big", new BigDecimal("123456789012345678901234567890"),
                "double", new BigDecimal("0.1"));

        assertExact(store.entries("", ReadConsistency.LINEARIZABLE), expected);
        for (String id : cluster.running()) {
            RaftKeyValueStore copy = cluster.store(id);
            await().atMost(Duration.ofSeconds(20)).until(() -> copy.size(ReadConsistency.LOCAL) == 8);
            assertExact(copy.entries("", ReadConsistency.LOCAL), expected);
        }
        assertThat(store.get("big").orElseThrow().bigIntegerValue())
            .isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(store.get("double", Double.class)).contains(0.1);

        RaftBackup backup = leader.backup().join();
        store.put("huge", 1);
        store.delete("tiny");
        leader.restore(RaftBackup.fromByteArray(backup.toByteArray())).join();
        assertExact(store.entries("", ReadConsistency.LINEARIZABLE), expected);

        // Written as Java doubles, decimals read back as the shortest text of the double, exactly.
        store.put("from-java", 0.1);
        assertThat(store.get("from-java").orElseThrow().decimalValue()).isEqualByComparingTo("0.1");
    }

    static Stream<Arguments> badBackupStates() {
        return Stream.of(
                Arguments.of("{\"keep\":2,\"nv\":null}", "null for key 'nv'"),
                Arguments.of("{\"keep\":2,\"keep\":3}", "The state holds the key 'keep' twice"),
                Arguments.of("{\"keep\":{\"x\":1,\"x\":2}}", "Duplicate property \"x\""),
                Arguments.of("{\"keep\":NaN}", "not valid store JSON"),
                Arguments.of("[1,2]", "must be a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBackupStates")
    void refusesABackupWhoseStateHoldsNullOrDuplicateKeysAndChangesNothing(String state, String message) {
        RaftBackup backup = new RaftBackup("elsewhere", 7, Instant.now(), state.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> leader.restore(RaftBackup.fromByteArray(backup.toByteArray())).join())
            .isInstanceOf(CompletionException.class)
            .cause()
            .hasMessageContaining(message);
        assertUnchanged();
    }

    private static void assertExact(SortedMap<String, JsonNode> entries, Map<String, BigDecimal> expected) {
        expected.forEach((key, number) -> {
            JsonNode value = entries.get(key);
            assertThat(value).as(key).isNotNull();
            // equals, not compareTo: the scale (1.50 vs 1.5) is part of "as written".
            assertThat(value.decimalValue()).as(key).isEqualTo(number);
        });
    }

    private static void assertUnchanged() {
        assertThat(store.entries("", ReadConsistency.LINEARIZABLE))
            .isEqualTo(new java.util.TreeMap<String, JsonNode>(Map.of("keep", JsonNodeFactory.instance.numberNode(1),
                    "keep-too", JsonNodeFactory.instance.stringNode("text"))));
    }

    private static Map<String, Object> mapWithNull() {
        Map<String, Object> entries = new HashMap<>();
        entries.put("ok", 1);
        entries.put("n", null);
        return entries;
    }

    private static Object joined(java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> call) {
        try {
            return call.get().join();
        }
        catch (CompletionException ex) {
            throw (RuntimeException) ex.getCause();
        }
    }

    @FunctionalInterface
    interface Write {

        Object to(RaftKeyValueStore store);
    }
}
